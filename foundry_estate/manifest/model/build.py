"""The typed manifest as a whole, built from a validated document with every default applied."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from foundry_estate.manifest.model.accounts import Account, account
from foundry_estate.manifest.model.common import Tags, sorted_tags
from foundry_estate.manifest.model.filters import Blocklist, ContentFilter, blocklist, content_filter
from foundry_estate.manifest.model.hubs import Hub, hub


@dataclass(frozen=True, order=True)
class Quota:
    location: str
    sku: str
    model: str
    limit: int


@dataclass(frozen=True, order=True)
class CoreQuota:
    """A budget of vCPU cores of one VM family in one region (managed online deployments)."""

    location: str
    vm_family: str
    limit: int


@dataclass(frozen=True)
class ResourceGroup:
    name: str
    location: str | None
    create: bool


@dataclass(frozen=True)
class Manifest:
    resource_group: ResourceGroup
    tags: Tags
    content_filters: tuple[ContentFilter, ...]
    blocklists: tuple[Blocklist, ...]
    quotas: tuple[Quota, ...]
    accounts: tuple[Account, ...]
    hubs: tuple[Hub, ...] = ()
    core_quotas: tuple[CoreQuota, ...] = ()

    def content_filter(self, name: str) -> ContentFilter | None:
        return next((f for f in self.content_filters if f.name == name), None)

    def blocklist(self, name: str) -> Blocklist:
        return next(b for b in self.blocklists if b.name == name)


def build(data: Mapping[str, Any]) -> Manifest:
    """Validated document data -> `Manifest`, with every default applied."""
    location = data.get("location")
    tags = data.get("tags") or {}
    group = data["resourceGroup"]
    return Manifest(
        resource_group=ResourceGroup(group["name"], location, group.get("create", True)),
        tags=sorted_tags(tags),
        content_filters=tuple(content_filter(name, spec) for name, spec in sorted((data.get("contentFilters") or {}).items())),
        blocklists=tuple(blocklist(name, spec) for name, spec in sorted((data.get("blocklists") or {}).items())),
        quotas=tuple(sorted(Quota(q["location"], q["sku"], q["model"], q["limit"])
                            for q in data.get("quotas") or [] if "vmFamily" not in q)),
        accounts=tuple(sorted((account(key, spec, location, tags) for key, spec in data["accounts"].items()),
                              key=lambda account: account.name.lower())),
        hubs=tuple(sorted((hub(key, spec, location, tags) for key, spec in (data.get("hubs") or {}).items()),
                          key=lambda hub: hub.name.lower())),
        core_quotas=tuple(sorted(CoreQuota(q["location"], q["vmFamily"], q["limit"])
                                 for q in data.get("quotas") or [] if "vmFamily" in q)),
    )
