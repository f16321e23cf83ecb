"""`catalog/models.yaml` against Azure's models list of one location: what differs, and the
edits that would bring the catalog up to date.

The kit does not rewrite the catalog: PyYAML cannot write it back with its comments, anchors
and flow style. Each edit names the place (file:line:column and path) and the YAML to write,
for a person to apply, check against a source and cite.

A location's list is not the world: a SKU or version missing there may be offered elsewhere,
so only what the list *adds* becomes an edit; what it lacks is reported, never removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from foundry_estate.azure.lists import LiveModel
from foundry_estate.catalog.models import Catalog, CatalogModel, ModelVersion
from foundry_estate.manifest.document import Document, Path, format_path
from foundry_estate.errors import Position
from foundry_estate.manifest.schema import schema_document

SKUS = tuple(schema_document("catalog")["$defs"]["sku"]["enum"])
FORMATS = tuple(schema_document("catalog")["$defs"]["model"]["properties"]["format"]["enum"])


@dataclass(frozen=True)
class Edit:
    position: Position
    path: str
    text: str  # what to write there

    def __str__(self) -> str:
        return f"{self.position}: {self.path}: {self.text}"


@dataclass(frozen=True)
class Difference:
    model: str  # "<format> <name>"
    version: str | None
    message: str
    edit: Edit | None = None

    def __str__(self) -> str:
        return f"{self.model}{f' version {self.version}' if self.version else ''}: {self.message}"


@dataclass(frozen=True)
class Refresh:
    location: str
    differences: tuple[Difference, ...]
    untracked: tuple[str, ...]  # "<format> <name>" listed by Azure, of a format the catalog knows, not in it


def refresh(document: Document, catalog: Catalog, live: list[LiveModel], location: str, day: date) -> Refresh:
    by_model: dict[tuple[str, str], dict[str, LiveModel]] = {}
    for model in live:
        by_model.setdefault((model.format, model.name), {})[model.version] = model
    differences: list[Difference] = []
    for index, entry in enumerate(catalog.models):
        listed = by_model.get((entry.format, entry.name))
        if listed is None:
            differences.append(Difference(_name(entry), None, f"not in the models list of {location}"))
            continue
        base: Path = ("models", index, "versions")
        for version in entry.versions:
            found = listed.get(version.version)
            if found is None:
                differences.append(Difference(_name(entry), version.version, f"not in the models list of {location} "
                                                                             f"(offered elsewhere, or retired)"))
            else:
                differences += _compare(document, base + (version.version,), entry, version, found, location, day)
        for version_name in sorted(set(listed) - {v.version for v in entry.versions}):
            found = listed[version_name]
            differences.append(Difference(_name(entry), version_name, f"offered in {location}, not in the catalog",
                                          Edit(document.position(base, prefer_key=True), format_path(base),
                                               "add\n" + _version_yaml(found))))
    tracked = {(m.format, m.name) for m in catalog.models}
    untracked = sorted({f"{f} {n}" for f, n in by_model if f in FORMATS and (f, n) not in tracked})
    return Refresh(location, tuple(differences), tuple(untracked))


def _compare(document: Document, path: Path, entry: CatalogModel, version: ModelVersion, live: LiveModel,
             location: str, day: date) -> list[Difference]:
    found = []

    def differ(message: str, at: Path | None = None, text: str | None = None) -> None:
        edit = Edit(document.position(at), format_path(at), text) if at is not None and text is not None else None
        found.append(Difference(_name(entry), version.version, message, edit))

    offered = [sku.name for sku in live.skus if sku.name in SKUS]
    if version.skus is None and offered:
        differ(f"offered in {', '.join(offered)} in {location}; the catalog lists no SKUs, so validation checks none")
    elif version.skus is not None and set(offered) - set(version.skus):
        added = [sku for sku in offered if sku not in version.skus]
        differ(f"offered in {', '.join(added)} in {location}, which the catalog's skus leave out", path + ("skus",),
               f"set to [{', '.join([*version.skus, *added])}]")
    lifecycle = version.lifecycle
    status = lifecycle.status_on(day)
    if live.lifecycle and live.lifecycle != status:
        differ(f"{live.lifecycle} in {location}, {status} in the catalog (as of {day})", path + ("lifecycle", "status"),
               f"set to {live.lifecycle}")
    if live.retires and live.retires != lifecycle.retires:
        where = path + ("lifecycle", "retires") if lifecycle.retires else path + ("lifecycle",)
        differ(f"Azure retires it on {live.retires}; the catalog says {lifecycle.retires or 'no date'}", where,
               f"{'set' if lifecycle.retires else 'add retires:'} \"{live.retires}\"")
    for sku in live.skus:
        if sku.retires and sku.name in SKUS and sku.retires not in (lifecycle.retirement(sku.name), live.retires):
            differ(f"Azure retires it in {sku.name} on {sku.retires}; the catalog says "
                   f"{lifecycle.retirement(sku.name) or 'no date'}", path + ("lifecycle",),
                   f"add to retiresBySku: {{{sku.name}: \"{sku.retires}\"}}")
    return found


def _version_yaml(live: LiveModel) -> str:
    """A `versions` entry as the catalog writes it (indented for its place)."""
    skus = [sku.name for sku in live.skus if sku.name in SKUS]
    lifecycle = [f"status: {live.lifecycle or 'ga'}"] + ([f'retires: "{live.retires}"'] if live.retires else [])
    lines = [f'      "{live.version}":'] + ([f"        skus: [{', '.join(skus)}]"] if skus else [])
    return "\n".join(lines + [f"        lifecycle: {{{', '.join(lifecycle)}}}"])


def _name(entry: CatalogModel) -> str:
    return f"{entry.format} {entry.name}"
