"""Names that point at other things (content filters, blocklists, spillover targets) point at
things that exist; filters and blocklists that nothing uses are said."""

from __future__ import annotations

from typing import Iterator

from foundry_estate.errors import Problem
from foundry_estate.manifest.document import Document, Path
from foundry_estate.azure.content_filters import BUILTIN_CONTENT_FILTERS, is_builtin
from foundry_estate.manifest.reading import as_list, as_map, as_str, deployments_in, did_you_mean


def check_references(doc: Document) -> Iterator[Problem]:
    """contentFilter, blocklist and spillover names point at things that exist."""
    data = doc.data
    filters = as_map(data.get("contentFilters"))
    blocklists = as_map(data.get("blocklists"))
    for name in filters:
        if is_builtin(name):
            yield doc.problem(("contentFilters", name), f"'{name}' is reserved for Azure's built-in policies: choose another name", prefer_key=True)
    for path, name, deployment, account in deployments_in(data):
        wanted = as_str(deployment.get("contentFilter"))
        if wanted and wanted not in filters and wanted not in BUILTIN_CONTENT_FILTERS:
            yield doc.problem(path + ("contentFilter",),
                              f"content filter '{wanted}' is not defined in contentFilters{did_you_mean(wanted, list(filters))}; "
                              f"built-in policies are {', '.join(BUILTIN_CONTENT_FILTERS)}")
        target = as_str(deployment.get("spillover"))
        siblings = as_map(account.get("deployments"))  # looked up, not copied: linear in the deployments
        if target == name:
            yield doc.problem(path + ("spillover",), "a deployment cannot spill over to itself")
        elif target and target not in siblings:
            yield doc.problem(path + ("spillover",), f"spillover deployment '{target}' is not a deployment of this "
                                                     f"account{did_you_mean(target, list(siblings))}")
    for name, spec in filters.items():
        for index, blocklist in enumerate(as_list(as_map(spec).get("blocklists"))):
            if isinstance(blocklist, str) and blocklist not in blocklists:
                yield doc.problem(("contentFilters", name, "blocklists", index),
                                  f"blocklist '{blocklist}' is not defined in blocklists{did_you_mean(blocklist, list(blocklists))}")


def check_unused(doc: Document) -> Iterator[Problem]:
    """Warn about filters and blocklists nothing uses: the kit creates them nowhere."""
    data = doc.data
    used_filters = {as_str(d.get("contentFilter")) for _p, _n, d, _a in deployments_in(data)}
    filters = as_map(data.get("contentFilters"))
    for name in filters:
        if name not in used_filters and _written_here(doc, ("contentFilters", name)):
            yield doc.problem(("contentFilters", name), f"content filter '{name}' is used by no deployment, so it is created on no account",
                              prefer_key=True, severity="warning")
    used_lists = {b for spec in filters.values() for b in as_list(as_map(spec).get("blocklists")) if isinstance(b, str)}
    for name in as_map(data.get("blocklists")):
        if name not in used_lists and _written_here(doc, ("blocklists", name)):
            yield doc.problem(("blocklists", name), f"blocklist '{name}' is used by no content filter, so it is created on no account",
                              prefer_key=True, severity="warning")


def _written_here(doc: Document, path: Path) -> bool:
    """Defined in this file rather than in a shared base that many stacks extend."""
    return doc.position(path, prefer_key=True).file == doc.file
