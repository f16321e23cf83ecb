"""The model catalog (`catalog/models.yaml`): loaded, checked against its schema, typed.

The catalog says which versions of which models exist, which SKUs each version is offered
in, when it retires and what replaces it, and the capacity rules Microsoft documents. It is
data shipped with the kit; `catalog_checks.py` holds manifests to it. Like a manifest it is
read by the loader only, so a broken catalog is reported at its file and line.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from typing import Any, Iterator

from foundry_estate.manifest.data_file import load_data_file
from foundry_estate.manifest.document import Document
from foundry_estate.errors import Problem
from foundry_estate.paths import project_own_file
from foundry_estate.shipped import CATALOG, shipped_file

CATALOG_FILE = shipped_file(CATALOG, "models.yaml")
PROJECT_CATALOG = os.path.join("catalog", "models.yaml")  # a project's own entries, relative to its root
UNVERIFIED = "unverified"


@dataclass(frozen=True)
class Replacement:
    format: str
    name: str
    version: str | None

    def __str__(self) -> str:
        return f"{self.name} version {self.version}" if self.version else self.name


@dataclass(frozen=True)
class Lifecycle:
    status: str  # preview | ga | deprecating | retired, as of the entry's `checked` date
    deprecates: date | None
    retires: date | None
    retires_by_sku: tuple[tuple[str, date], ...]
    replacement: Replacement | None
    source: str

    def retirement(self, sku: str | None) -> date | None:
        """The day the version stops being served in `sku` (or in general)."""
        return dict(self.retires_by_sku).get(sku or "", self.retires)

    def status_on(self, day: date) -> str:
        """Where the version stands on `day`, by its dates (the recorded status when it has none)."""
        if self.retires and day >= self.retires:
            return "retired"
        if self.deprecates and day >= self.deprecates:
            return "deprecating"
        if self.status in ("deprecating", "retired"):  # recorded after `day`
            return "ga" if self.deprecates else "deprecating"
        return self.status


@dataclass(frozen=True)
class CapacityRule:
    sku: str
    minimum: int | None
    increment: int | None
    tokens_per_minute: int | None
    requests_per_minute: int | None
    source: str

    def allowed(self, capacity: int) -> bool:
        """Provisioned sizes are minimum, minimum + increment, ...; no rule allows anything."""
        if self.minimum is None or self.increment is None:
            return True
        return capacity >= self.minimum and (capacity - self.minimum) % self.increment == 0

    def nearest(self, capacity: int) -> tuple[int, ...]:
        """The allowed sizes just below and above `capacity` (only the minimum below it)."""
        assert self.minimum is not None and self.increment is not None
        if capacity < self.minimum:
            return (self.minimum,)
        below = capacity - (capacity - self.minimum) % self.increment
        return (below, below + self.increment)


@dataclass(frozen=True)
class ModelVersion:
    version: str
    skus: tuple[str, ...] | None  # None: no source lists them, so they are not checked
    lifecycle: Lifecycle


@dataclass(frozen=True)
class CatalogModel:
    format: str
    name: str
    source: str
    checked: date
    versions: tuple[ModelVersion, ...]
    capacity: tuple[CapacityRule, ...]
    origin: str = ""  # file:line of a project's own entry (catalog/models.yaml of the project); "" for the kit's

    def version(self, version: str) -> ModelVersion | None:
        return next((v for v in self.versions if v.version == version), None)

    def capacity_rule(self, sku: str) -> CapacityRule | None:
        return next((rule for rule in self.capacity if rule.sku == sku), None)


@dataclass(frozen=True)
class Catalog:
    file: str
    models: tuple[CatalogModel, ...]

    def model(self, model_format: str, name: str) -> CatalogModel | None:
        return next((m for m in self.models if m.format == model_format and m.name == name), None)

    def named(self, name: str) -> list[CatalogModel]:
        """Entries of any format with this name, ignoring case (for "did you mean")."""
        return [m for m in self.models if m.name.lower() == name.lower()]


def load_catalog(path: str = CATALOG_FILE) -> Catalog:
    """Read and check the catalog at `path`; raises `KitError` with every problem."""
    document = load_data_file(path, "catalog", _entry_problems)
    return Catalog(path, tuple(_model(entry) for entry in document.data["models"]))


@lru_cache(maxsize=None)
def shipped_catalog() -> Catalog:
    """The catalog that ships with the kit, read once."""
    return load_catalog(CATALOG_FILE)


def project_catalog(root: str | None, base: Catalog | None = None) -> Catalog:
    """The kit's catalog with a project's own additions: `catalog/models.yaml` in the project root
    (same format) adds models and replaces the kit's entry of a model it lists again (Microsoft
    ships models faster than the kit releases). Each such entry remembers its file and line."""
    path = project_own_file(root, PROJECT_CATALOG, CATALOG_FILE)
    shipped = base or shipped_catalog()
    return shipped if path is None else _with_project_entries(shipped, path, os.path.getmtime(path))


@lru_cache(maxsize=8)
def _with_project_entries(shipped: Catalog, path: str, _modified: float) -> Catalog:
    document = load_data_file(path, "catalog", _entry_problems)
    own = tuple(dataclasses.replace(_model(entry), origin=str(document.position(("models", index))))
                for index, entry in enumerate(document.data["models"]))
    replaced = {(model.format, model.name) for model in own}
    return Catalog(path, own + tuple(m for m in shipped.models if (m.format, m.name) not in replaced))


def _entry_problems(document: Document) -> Iterator[Problem]:
    """What the schema cannot say: each model once, and dates that exist."""
    seen: dict[tuple[str, str], int] = {}
    for index, entry in enumerate(document.data["models"]):
        key = (entry["format"], entry["name"])
        if key in seen:
            line = document.position(("models", seen[key])).line
            yield document.problem(("models", index, "name"), f"{key[0]} model '{key[1]}' is already listed at line {line}")
        seen.setdefault(key, index)
        for path, value in _dates(entry, ("models", index)):
            try:
                date.fromisoformat(value)
            except ValueError:
                yield document.problem(path, f"'{value}' is not a date that exists")


def _dates(entry: dict[str, Any], base: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    yield base + ("checked",), entry["checked"]
    for version, spec in entry["versions"].items():
        lifecycle = spec["lifecycle"]
        path = base + ("versions", version, "lifecycle")
        for key in ("deprecates", "retires"):
            if key in lifecycle:
                yield path + (key,), lifecycle[key]
        for sku, value in lifecycle.get("retiresBySku", {}).items():
            yield path + ("retiresBySku", sku), value


def _model(entry: dict[str, Any]) -> CatalogModel:
    source = entry["source"]
    return CatalogModel(
        format=entry["format"],
        name=entry["name"],
        source=source,
        checked=date.fromisoformat(entry["checked"]),
        versions=tuple(_version(entry["format"], source, version, spec) for version, spec in entry["versions"].items()),
        capacity=tuple(_capacity(source, sku, rule) for sku, rule in entry.get("capacity", {}).items()),
    )


def _version(model_format: str, source: str, version: str, spec: dict[str, Any]) -> ModelVersion:
    lifecycle = spec["lifecycle"]
    replacement = lifecycle.get("replacement")
    return ModelVersion(
        version=version,
        skus=tuple(spec["skus"]) if "skus" in spec else None,
        lifecycle=Lifecycle(
            status=lifecycle["status"],
            deprecates=_date(lifecycle.get("deprecates")),
            retires=_date(lifecycle.get("retires")),
            retires_by_sku=tuple((sku, date.fromisoformat(day)) for sku, day in lifecycle.get("retiresBySku", {}).items()),
            replacement=Replacement(replacement.get("format", model_format), replacement["name"], replacement.get("version"))
            if replacement else None,
            source=lifecycle.get("source", source),
        ),
    )


def _capacity(source: str, sku: str, rule: dict[str, Any]) -> CapacityRule:
    quota = rule.get("defaultQuota", {})
    return CapacityRule(sku, rule.get("minimum"), rule.get("increment"), quota.get("tokensPerMinute"),
                        quota.get("requestsPerMinute"), rule.get("source", source))


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
