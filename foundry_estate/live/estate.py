"""What runs in Azure under a resource group's Foundry accounts, read through the live layer
(`client.AzureLists`) as REST JSON: each account with its deployments, RAI policies (content
filters), blocklists and their items, and projects. `foundry-estate import` writes a manifest from it;
`foundry-estate drift` compares it with a stack's plan."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from foundry_estate.errors import KitError, Problem
from foundry_estate.live.client import AzureLists

Json = dict[str, Any]


@dataclass(frozen=True)
class LiveAccount:
    account: Json
    deployments: tuple[Json, ...]
    rai_policies: tuple[Json, ...]
    rai_blocklists: tuple[Json, ...]
    rai_blocklist_items: dict[str, tuple[Json, ...]]  # by blocklist name
    projects: tuple[Json, ...]

    @property
    def name(self) -> str:
        return str(self.account["name"])

    @property
    def id(self) -> str:
        return str(self.account.get("id") or self.name)


@dataclass(frozen=True)
class LiveEstate:
    subscription: str
    resource_group: str
    accounts: tuple[LiveAccount, ...]


def read_estate(azure: AzureLists, group: str, names: Sequence[str] = ()) -> LiveEstate:
    """The accounts of `group` (only `names`, when given, each of which must exist) with what is under them."""
    if names:
        listed = [azure.account(group, name) for name in names]
    else:
        listed = azure.accounts(group)
        if not listed:
            raise KitError([Problem.at(".", f"resource group {group} holds no Foundry (Cognitive Services) account in "
                                            f"subscription {azure.subscription}: nothing to read")])
    return read_accounts(azure, group, listed)


def read_accounts(azure: AzureLists, group: str, bodies: Sequence[Json]) -> LiveEstate:
    """These accounts of `group` (as listed) with what is under them."""
    return LiveEstate(azure.subscription, group, tuple(_account(azure, group, body) for body in
                                                       sorted(bodies, key=lambda a: str(a.get("name", "")).lower())))


def _account(azure: AzureLists, group: str, body: Json) -> LiveAccount:
    name = str(body["name"])
    blocklists = tuple(azure.rai_blocklists(group, name))
    return LiveAccount(
        account=body,
        deployments=tuple(azure.deployments(group, name)),
        rai_policies=tuple(azure.rai_policies(group, name)),
        rai_blocklists=blocklists,
        rai_blocklist_items={str(b["name"]): tuple(azure.rai_blocklist_items(group, name, str(b["name"])))
                             for b in blocklists},
        projects=tuple(azure.projects(group, name)) if body.get("kind") == "AIServices" else (),
    )
