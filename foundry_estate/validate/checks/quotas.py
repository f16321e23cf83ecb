"""Budgets in `quotas`: capacity units of models, vCPU cores of managed online deployments (pooled as
`foundry_estate/validate/quota.py` reads the same way: `written_requests`, `written_budgets`, `core_key`)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterator

from foundry_estate.catalog.instance_types import shipped_instance_types
from foundry_estate.errors import Problem
from foundry_estate.validate.checks.hubs import online_deployments
from foundry_estate.manifest.document import Document, Path, format_path
from foundry_estate.manifest.reading import as_list, as_map, as_str, deployments_in, did_you_mean


Key = tuple[str, str, str]  # (location, SKU, model)


def core_key(location: str, vm_family: str) -> tuple[str, str]:
    """How Azure pools vCPU quota: per region and VM family, the family's name in any case
    (`vmFamily` budgets and the instance types' families are compared so, here and in validation)."""
    return location, vm_family.lower()


def written_requests(data: dict[str, Any]) -> dict[Key, list[tuple[Path, int]]]:
    """Per (location, SKU, model), the deployments of a document that ask for it, with their
    capacity as written (0 when it is not a whole number). It reads what is well formed of any
    document, valid or not: validation and the stacks' shared quota (`validate/quota.py`) count
    alike, and a shared budget passed is reported with a manifest's other errors."""
    requested: dict[Key, list[tuple[Path, int]]] = defaultdict(list)
    for path, _name, deployment, account in deployments_in(data):
        location = account.get("location") or data.get("location")
        model = as_str(as_map(deployment.get("model")).get("name"))
        sku = as_str(deployment.get("sku"))
        capacity = deployment.get("capacity")
        if isinstance(location, str) and model and sku:
            valid = isinstance(capacity, int) and not isinstance(capacity, bool)
            requested[location, sku, model].append((path, capacity if isinstance(capacity, int) and valid else 0))
    return requested


def written_budgets(data: dict[str, Any]) -> Iterator[tuple[int, Key, int]]:
    """(index in `quotas`, (location, SKU, model), limit) of every well-formed model budget."""
    for index, quota in enumerate(as_list(data.get("quotas"))):
        quota = as_map(quota)
        limit = quota.get("limit")
        if not isinstance(limit, int) or isinstance(limit, bool):
            continue
        location, sku, model = quota.get("location"), quota.get("sku"), quota.get("model")
        if isinstance(location, str) and isinstance(sku, str) and isinstance(model, str):
            yield index, (location, sku, model), limit


def check_quotas(doc: Document) -> Iterator[Problem]:
    """The sum of capacities per (location, sku, model) stays within each budget."""
    requested = written_requests(doc.data)
    for index, key, limit in written_budgets(doc.data):
        users = requested.get(key, [])
        if not users and limit > 0:  # a budget of 0 forbids a model; any other budget nothing uses is likely a typo
            yield doc.problem(("quotas", index), f"no deployment uses {key[2]} {key[1]} in {key[0]}: check the model name, SKU and location",
                              severity="warning")
        total = sum(capacity for _path, capacity in users)
        if total > limit:
            parts = ", ".join(f"{format_path(path)} ({capacity})" for path, capacity in users)
            yield doc.problem(("quotas", index, "limit"),
                              f"deployments request {total} capacity units of {key[2]} {key[1]} in "
                              f"{key[0]}, over the limit of {limit}: {parts}")


def check_core_quotas(doc: Document) -> Iterator[Problem]:
    """The vCPU cores of managed online deployments per (location, VM family) stay within each budget."""
    data = doc.data
    table = shipped_instance_types()
    requested: dict[tuple[str, str], list[tuple[Path, int, int]]] = defaultdict(list)
    for path, _name, deployment, hub in online_deployments(data):
        location = hub.get("location") or data.get("location")
        known = table.get(as_str(deployment.get("instanceType")) or "")
        count = deployment.get("instanceCount", 1)
        if isinstance(location, str) and known and isinstance(count, int) and not isinstance(count, bool):
            requested[core_key(location, known.vm_family)].append((path, count, known.cores))
    for index, quota in enumerate(as_list(data.get("quotas"))):
        quota = as_map(quota)
        limit, location, family = quota.get("limit"), quota.get("location"), quota.get("vmFamily")
        if not (isinstance(limit, int) and not isinstance(limit, bool) and isinstance(location, str) and isinstance(family, str)):
            continue
        users = requested.get(core_key(location, family), [])
        if not users and limit > 0:
            hint = did_you_mean(family, table.families())
            yield doc.problem(("quotas", index), f"no online deployment uses {family} in {location}{hint}: "
                                                 f"check the VM family and location", severity="warning")
        total = sum(count * cores for _path, count, cores in users)
        if total > limit:
            parts = ", ".join(f"{format_path(path)} ({count} × {cores} = {count * cores})" for path, count, cores in users)
            yield doc.problem(("quotas", index, "limit"), f"online deployments request {total} vCPU cores of {family} in "
                                                          f"{location}, over the limit of {limit}: {parts}")
