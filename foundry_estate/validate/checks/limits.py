"""Azure's limits and region names (`catalog/azure-limits.yaml`) on one manifest. The limits
that count across the stacks of a subscription are checked again where quota adds stacks up
(`foundry_estate/repository/shared_checks.py`)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterator

from foundry_estate.catalog.limits import LIMITS_NAME, shipped_limits
from foundry_estate.errors import Problem
from foundry_estate.manifest.document import Document, Path
from foundry_estate.manifest.reading import accounts_in, as_list, as_map, as_str, did_you_mean


def check_limits(doc: Document) -> Iterator[Problem]:
    """At most 32 deployments per account; at most so many accounts per region (in one manifest,
    which deploys into one subscription)."""
    limits = shipped_limits()
    per_account = limits.deployments_per_account
    by_region: dict[str, list[str]] = defaultdict(list)
    for key, account in accounts_in(doc.data):
        count = len(as_map(account.get("deployments")))
        if count > per_account.value:
            yield doc.problem(("accounts", key, "deployments"), f"account '{key}' has {count} deployments: "
                                                                f"{per_account.says()}: split them across accounts",
                              prefer_key=True)
        location = account.get("location") or doc.data.get("location")
        if isinstance(location, str):
            by_region[location].append(key)
    per_region = limits.accounts_per_region
    for location, keys in by_region.items():
        if len(keys) > per_region.value:
            yield doc.problem(("accounts", keys[per_region.value]), f"{len(keys)} accounts in {location}, from this one on "
                                                                    f"over the limit: {per_region.says()}: move some to "
                                                                    "another region or subscription", prefer_key=True)


def check_locations(doc: Document) -> Iterator[Problem]:
    """Every location is an Azure region: one close to a known region is a typo (an error); any
    other unknown name a warning (Azure may have opened it after the list was written)."""
    limits = shipped_limits()
    names = sorted(limits.regions)
    for path, location in _locations(doc.data):
        if location in limits.regions:
            continue
        close = did_you_mean(location, names)
        if close:
            yield doc.problem(path, f"'{location}' is not an Azure region{close} ({limits.regions_source})")
        else:
            yield doc.problem(path, f"'{location}' is not a region in {LIMITS_NAME}: check the name (az account "
                                    "list-locations), or add it there if Azure opened it recently", severity="warning")


def _locations(data: dict[str, Any]) -> Iterator[tuple[Path, str]]:
    places: list[tuple[Path, Any]] = [(("location",), data.get("location"))]
    places += [(("accounts", key, "location"), account.get("location")) for key, account in accounts_in(data)]
    places += [(("hubs", key, "location"), as_map(hub).get("location")) for key, hub in as_map(data.get("hubs")).items()]
    places += [(("quotas", index, "location"), as_map(quota).get("location"))
               for index, quota in enumerate(as_list(data.get("quotas")))]
    for path, value in places:
        location = as_str(value)
        if location:
            yield path, location
