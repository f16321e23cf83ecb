"""Deployments held to the model catalog: known models, lifecycle, SKUs, provisioned sizes.

Runs next to the schema and the cross-checks (`foundry_estate/validate/`), reads the document
defensively like they do (a value of the wrong shape is the schema's to report), and says
in every message what to write instead. Lifecycle rules compare catalog dates with
`CatalogOptions.today`, which the project that the entry point resolved hands down
(`foundry_estate/project/`: the system date, or FOUNDRY_KIT_TODAY where tests pin it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterator

import dataclasses

from foundry_estate.manifest.adopted import load_snapshot, running_deployments
from foundry_estate.catalog.models import UNVERIFIED, Catalog, CatalogModel, Lifecycle, ModelVersion, shipped_catalog
from foundry_estate.manifest.reading import as_map, as_str, deployments_in, did_you_mean
from foundry_estate.manifest.document import Document, Path
from foundry_estate.errors import Problem

DEFAULT_HORIZON_DAYS = 90
CATALOG_NAME = "catalog/models.yaml"
LISTING = "foundry-estate catalog lists them"


@dataclass(frozen=True)
class CatalogOptions:
    """How a manifest is held to the catalog."""

    today: date | None = None  # None: the system date
    horizon_days: int = DEFAULT_HORIZON_DAYS  # warn about versions retiring within this many days
    strict: bool = False  # models missing from the catalog are errors, not warnings
    catalog: Catalog | None = None  # None: the catalog that ships with the kit (a project's: `Project.catalog`)
    # Deployments that already run in Azure, as (account, deployment, model, version) in lower
    # case: a retired version one of them runs is adopted with a warning, not refused. Those the
    # stack's read-back file lists (stacks/<stack>.azure.json, written by `import`) always count;
    # these are added (`import`'s fresh read, `diff`'s base: what the merged manifest deployed).
    running: frozenset[tuple[str, str, str, str]] | None = None


    @property
    def day(self) -> date:
        return self.today or date.today()


def catalog_problems(doc: Document, options: CatalogOptions = CatalogOptions()) -> Iterator[Problem]:
    yield from _catalog_problems(doc, options, options.catalog or shipped_catalog())


def _catalog_problems(doc: Document, options: CatalogOptions, catalog: Catalog) -> Iterator[Problem]:
    day = options.day
    read = load_snapshot(doc.file)
    running = (options.running or frozenset()) | (running_deployments(read) if read else frozenset())
    yield from serverless_problems(doc, catalog, day, options.horizon_days)
    for path, deployment_name, deployment, account in deployments_in(doc.data):
        model = as_map(deployment.get("model"))
        model_format, name, version = as_str(model.get("format")), as_str(model.get("name")), as_str(model.get("version"))
        if not (model_format and name):
            continue
        entry = catalog.model(model_format, name)
        if entry is None:
            yield _unknown_model(doc, path + ("model",), catalog, model_format, name, options.strict)
            continue
        runs = _running_key(account, deployment_name, name, version) in running
        yield from (_naming_origin(problem, entry)
                    for problem in _entry_problems(doc, options, path, deployment, entry, day, runs))


def _running_key(account: dict, deployment_name: str, model: str, version: str | None) -> tuple[str, str, str, str]:
    return (str(as_str(account.get("name")) or "").lower(), deployment_name.lower(), model.lower(), str(version or "").lower())


def declared_deployments(doc: Document) -> frozenset[tuple[str, str, str, str]]:
    """The deployments a manifest declares, as `CatalogOptions.running` counts them: what the
    base of a change deployed runs in Azure, so the change keeps a retired model it did not bring."""
    found = set()
    for _, deployment_name, deployment, account in deployments_in(doc.data):
        model = as_map(deployment.get("model"))
        name = as_str(model.get("name"))
        if name:
            found.add(_running_key(account, deployment_name, name, as_str(model.get("version"))))
    return frozenset(found)


def _naming_origin(problem: Problem, entry: CatalogModel) -> Problem:
    """A problem found with a project's own catalog entry says which file and line the entry is at."""
    if not entry.origin:
        return problem
    return dataclasses.replace(problem, message=f"{problem.message} [this project's catalog entry: {entry.origin}]")


def _entry_problems(doc: Document, options: CatalogOptions, path: Path, deployment: dict, entry: CatalogModel,
                    day: date, runs: bool = False) -> Iterator[Problem]:
    model = as_map(deployment.get("model"))
    name, version = entry.name, as_str(model.get("version"))
    known = entry.version(version) if version else None
    if version and known is None:  # Azure refuses a version it does not serve
        yield doc.problem(path + ("model", "version"),
                          f"{name} has no version '{version}' in the kit's catalog (known: "
                          f"{', '.join(v.version for v in entry.versions)}): use a known version, or add it to {CATALOG_NAME}")
    if known is None:
        return
    sku = as_str(deployment.get("sku"))
    lifecycle = _lifecycle(doc, path + ("model", "version"), entry, known, sku, day, options.horizon_days)
    if lifecycle and runs and lifecycle.severity == "error":
        lifecycle = _already_running(lifecycle)
    if lifecycle:
        yield lifecycle
        if lifecycle.severity == "error":
            return  # the version must change anyway: its SKUs and sizes are moot
    yield from _sku_and_capacity(doc, path, entry, known, sku, deployment.get("capacity"))


def _unknown_model(doc: Document, path: Path, catalog: Catalog, model_format: str, name: str, strict: bool) -> Problem:
    severity = "error" if strict else "warning"
    other = next((m for m in catalog.named(name) if m.name == name), None)
    if other:  # Azure refuses a model under another provider's format
        return doc.problem(path + ("format",), f"'{name}' is in the kit's catalog with format {other.format}, not {model_format}: "
                                               f"write format: {other.format}")
    names = [m.name for m in catalog.models if m.format == model_format]
    hint = next((f" (did you mean '{m.name}'?)" for m in catalog.named(name) if m.format == model_format), "") \
        or did_you_mean(name, names)
    return doc.problem(path + ("name",), f"{model_format} model '{name}' is not in the kit's catalog{hint}: check the name, "
                                         f"or add the model to {CATALOG_NAME}", severity=severity)


def serverless_problems(doc: Document, catalog: Catalog, day: date, horizon_days: int) -> Iterator[Problem]:
    """A serverless endpoint serves the latest version of its model: a model the catalog knows
    as retired (every version) is an error, one retiring soon a warning."""
    for hub_key, hub in as_map(doc.data.get("hubs")).items():
        for project_key, project in as_map(as_map(hub).get("projects")).items():
            for name, endpoint in as_map(as_map(project).get("serverlessEndpoints")).items():
                model_id = as_str(as_map(endpoint).get("modelId")) or ""
                model = model_id.rsplit("/", 1)[-1]
                entry = next((m for m in catalog.named(model) if m.name == model), None)
                if entry is None or not entry.versions:
                    continue
                latest = max(entry.versions, key=lambda v: v.lifecycle.retirement(None) or date.max)
                path = ("hubs", hub_key, "projects", project_key, "serverlessEndpoints", name, "modelId")
                problem = _lifecycle(doc, path, entry, latest, None, day, horizon_days)
                if problem:
                    yield _naming_origin(problem, entry)


def _lifecycle(doc: Document, where: Path, entry: CatalogModel, known: ModelVersion, sku: str | None,
               day: date, horizon_days: int) -> Problem | None:
    lifecycle = known.lifecycle
    retires = lifecycle.retirement(sku)
    if retires is None:
        return None
    in_sku = f" in {sku}" if sku in dict(lifecycle.retires_by_sku) else ""
    subject = f"{entry.name} version {known.version}"
    days = (retires - day).days
    if days <= 0:
        return doc.problem(where, f"{subject} is retired{in_sku} since {retires}: "
                                  f"{_instead(entry, lifecycle)} ({_cite(lifecycle.source)})")
    if days <= horizon_days:
        move = f"move to {_replacement(entry, lifecycle)}" if lifecycle.replacement else "plan a move to a current model"
        return doc.problem(where, f"{subject} retires{in_sku} on {retires}, in {_days(days)}: "
                                  f"{move} before then ({_cite(lifecycle.source)})", severity="warning")
    return None


def _already_running(retired: Problem) -> Problem:
    """A retired version a deployment already runs in Azure: adopted as it is, said loudly. Only a
    change that introduces a retired model (a new deployment, a version changed to it) is refused."""
    said, _, rest = retired.message.partition(": ")
    return dataclasses.replace(retired, severity="warning", message=(
        f"{said}: this deployment already runs it in Azure (the stack's read-back, or the base of this change), so "
        f"it is adopted as it is, but Azure answers its calls with HTTP 410 (retired models are no longer served); "
        f"{rest}"))


def _sku_and_capacity(doc: Document, path: Path, entry: CatalogModel, known: ModelVersion, sku: str | None,
                      capacity: object) -> Iterator[Problem]:
    if sku is None:
        return
    if known.skus is not None and sku not in known.skus:
        yield doc.problem(path + ("sku",), f"{entry.name} version {known.version} is not offered in {sku}: "
                                           f"use {_either(known.skus)} ({_cite(entry.source)})")
        return
    rule = entry.capacity_rule(sku)
    if rule is None or not isinstance(capacity, int) or isinstance(capacity, bool) or rule.allowed(capacity):
        return
    sizes = rule.nearest(capacity)
    if capacity < (rule.minimum or 0):
        message = f"{entry.name} in {sku} needs at least {rule.minimum} PTUs, not {capacity}"
    else:
        message = f"{entry.name} in {sku} takes {rule.minimum} PTUs or more in steps of {rule.increment}, not {capacity}"
    yield doc.problem(path + ("capacity",), f"{message}: use {_either(tuple(map(str, sizes)))} ({_cite(rule.source)})")


def _instead(entry: CatalogModel, lifecycle: Lifecycle) -> str:
    return f"use {_replacement(entry, lifecycle)}" if lifecycle.replacement else f"choose a current model ({LISTING})"


def _replacement(entry: CatalogModel, lifecycle: Lifecycle) -> str:
    replacement = lifecycle.replacement
    assert replacement is not None
    if (replacement.format, replacement.name) == (entry.format, entry.name) and replacement.version:
        return f"version {replacement.version}"
    other_format = f" (format {replacement.format})" if replacement.format != entry.format else ""
    return f"{replacement}{other_format}"


def _cite(source: str) -> str:
    return "catalog entry not verified against a source" if source == UNVERIFIED else f"catalog entry from {source}"


def _either(options: tuple[str, ...]) -> str:
    return options[0] if len(options) == 1 else f"{', '.join(options[:-1])} or {options[-1]}"


def _days(days: int) -> str:
    return f"{days} day{'' if days == 1 else 's'}"
