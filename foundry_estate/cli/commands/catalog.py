"""`foundry-estate catalog`: the models, versions and SKUs that validation holds manifests to."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any, TextIO

from foundry_estate.cli import live_options
from foundry_estate.azure.lists import parse_models
from foundry_estate.catalog.models import CATALOG_FILE, Catalog, CatalogModel, ModelVersion, project_catalog, shipped_catalog
from foundry_estate.catalog.checks import CATALOG_NAME
from foundry_estate.catalog.refresh import Refresh, refresh
from foundry_estate.manifest.loader import load
from foundry_estate.paths import display
from foundry_estate.project.project import pinned_today, resolve
from foundry_estate.words import plural

COLUMNS = ("MODEL", "FORMAT", "VERSION", "LIFECYCLE", "SKUS")


def add_parser(verbs: argparse._SubParsersAction) -> None:
    parser = verbs.add_parser("catalog", help="list the model catalog that validation checks against",
                              description=f"List every model version in {CATALOG_NAME}: its lifecycle as of today "
                                          "(FOUNDRY_KIT_TODAY overrides the date) and the SKUs it is offered in.")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    parser.set_defaults(run=run)
    actions = parser.add_subparsers(dest="action", metavar="[refresh]")
    refresh = actions.add_parser("refresh", help="compare the catalog with Azure's models list of a location",
                                 description=f"Read Azure's models list of LOCATION in subscription ID and print what "
                                             f"differs from {CATALOG_NAME} (versions, SKUs, lifecycle and retirement "
                                             "dates) with the edits that would bring it up to date. The file is not "
                                             "written. Needs the extra 'live'.")
    live_options.add(refresh, "the subscription to read the list with")
    refresh.add_argument("--location", required=True, metavar="L", help="the location whose models list to read")
    refresh.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    refresh.set_defaults(run=run_refresh)


def run(args: argparse.Namespace) -> int:
    project = resolve()
    catalog, day = project_catalog(project.root, shipped_catalog()), project.today  # with the project's own entries, if any
    (as_json if args.format == "json" else as_text)(catalog, day, sys.stdout)
    return 0


def as_text(catalog: Catalog, day: date, out: TextIO) -> None:
    rows = [COLUMNS] + [(model.name, model.format, version.version, _lifecycle(version, day),
                         ", ".join(version.skus) if version.skus else "not listed")
                        for model, version in _versions(catalog)]
    widths = [max(len(row[column]) for row in rows) for column in range(len(COLUMNS) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1], file=out)
    print(f"{len(catalog.models)} models, {len(rows) - 1} versions in {CATALOG_NAME} (lifecycle as of {day})", file=out)


def as_json(catalog: Catalog, day: date, out: TextIO) -> None:
    report = {"catalog": CATALOG_NAME, "today": str(day),
              "versions": [_record(model, version, day) for model, version in _versions(catalog)]}
    json.dump(report, out, indent=2)
    out.write("\n")


def _versions(catalog: Catalog) -> list[tuple[CatalogModel, ModelVersion]]:
    return [(model, version) for model in catalog.models for version in model.versions]


def _lifecycle(version: ModelVersion, day: date) -> str:
    lifecycle = version.lifecycle
    status = lifecycle.status_on(day)
    text = f"{status} since {lifecycle.retires}" if status == "retired" else status
    if lifecycle.retires and status != "retired":
        text += f", retires {lifecycle.retires}"
    if lifecycle.retires_by_sku:
        text += " (" + ", ".join(f"{sku}: {when}" for sku, when in lifecycle.retires_by_sku) + ")"
    if lifecycle.replacement:
        text += f" -> {lifecycle.replacement}"
    return text


def _record(model: CatalogModel, version: ModelVersion, day: date) -> dict[str, Any]:
    lifecycle = version.lifecycle
    replacement = lifecycle.replacement
    return {
        "model": model.name, "format": model.format, "version": version.version,
        "lifecycle": lifecycle.status_on(day),
        "deprecates": _day(lifecycle.deprecates), "retires": _day(lifecycle.retires),
        "retiresBySku": {sku: str(when) for sku, when in lifecycle.retires_by_sku},
        "replacement": None if replacement is None else
        {"format": replacement.format, "name": replacement.name, "version": replacement.version},
        "skus": list(version.skus) if version.skus is not None else None,
        "capacity": {rule.sku: {"minimum": rule.minimum, "increment": rule.increment,
                                "defaultQuota": {"tokensPerMinute": rule.tokens_per_minute,
                                                 "requestsPerMinute": rule.requests_per_minute}}
                     for rule in model.capacity},
        "source": model.source, "lifecycleSource": lifecycle.source, "checked": str(model.checked),
    }


def _day(value: date | None) -> str | None:
    return None if value is None else str(value)


def run_refresh(args: argparse.Namespace) -> int:
    azure = live_options.connect(args)
    live_models = parse_models(azure.models(args.location))
    found = refresh(load(display(CATALOG_FILE)), shipped_catalog(), live_models, args.location, pinned_today())
    (refresh_json if args.format == "json" else refresh_text)(found, azure.subscription, sys.stdout)
    return 0


def refresh_text(found: Refresh, subscription: str, out: TextIO) -> None:
    print(f"{CATALOG_NAME} against the models list of {found.location} (subscription {subscription}):", file=out)
    for difference in found.differences:
        print(f"  {difference}", file=out)
    if found.untracked:
        print(f"  not in the catalog: {', '.join(found.untracked)}", file=out)
    edits = [d.edit for d in found.differences if d.edit]
    print(f"{plural(len(found.differences), 'difference')}, {plural(len(found.untracked), 'model')} not in the catalog",
          file=out)
    if edits:
        print(f"\nEdits for {CATALOG_NAME}, to apply by hand (the kit does not rewrite the file, which would lose its "
              f"comments); then set `checked` and cite a source:", file=out)
        for edit in edits:
            print(edit, file=out)


def refresh_json(found: Refresh, subscription: str, out: TextIO) -> None:
    report = {"catalog": CATALOG_NAME, "location": found.location, "subscription": subscription,
              "differences": [{"model": d.model, "version": d.version, "message": d.message,
                               "edit": None if d.edit is None else {
                                   "file": d.edit.position.file, "line": d.edit.position.line,
                                   "column": d.edit.position.column, "path": d.edit.path, "text": d.edit.text}}
                              for d in found.differences],
              "untracked": list(found.untracked)}
    json.dump(report, out, indent=2)
    out.write("\n")
