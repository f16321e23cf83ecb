"""The whole stack: the resource group, one `FoundryAccount` per manifest account and one
`FoundryHub` per manifest hub."""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi_azure_native import resources

from foundry_estate.manifest.model import Account, Blocklist, ContentFilter, Manifest

from .account import FoundryAccount
from .adoption import Adoption, importing
from .hub import FoundryHub


def filters_used_by(manifest: Manifest, account: Account) -> list[ContentFilter]:
    """The manifest's content filters that a deployment of `account` uses (built-ins excluded)."""
    names = sorted({d.content_filter for d in account.deployments})
    return [f for f in (manifest.content_filter(name) for name in names) if f is not None]


def blocklists_used_by(manifest: Manifest, filters: list[ContentFilter]) -> list[Blocklist]:
    return [manifest.blocklist(name) for name in sorted({b for f in filters for b in f.blocklists})]


def provision(manifest: Manifest, adopt_in: str | None = None) -> dict[str, Any]:
    """Declare every resource of the manifest; returns the stack outputs. `adopt_in`: the
    subscription whose existing resources the stack adopts (Pulumi's `import`, see adoption.py)."""
    group = manifest.resource_group
    adoption = Adoption(adopt_in, group.name) if adopt_in else None
    group_name: pulumi.Input[str] = group.name
    if group.create:
        group_name = resources.ResourceGroup(
            group.name, resource_group_name=group.name, location=group.location, tags=dict(manifest.tags),
            opts=importing(pulumi.ResourceOptions(), adoption.group_id if adoption else None)).name
    accounts = {}
    for account in manifest.accounts:
        filters = filters_used_by(manifest, account)
        accounts[account.name] = FoundryAccount(
            account.name, account, group_name, filters, blocklists_used_by(manifest, filters), adoption=adoption).outputs
    outputs: dict[str, Any] = {"resourceGroup": group.name, "accounts": accounts}
    if manifest.hubs:
        outputs["hubs"] = {hub.name: FoundryHub(hub.name, hub, group_name).outputs for hub in manifest.hubs}
    return outputs
