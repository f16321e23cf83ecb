"""What runs in Azure under a resource group's Foundry accounts, read through the live layer
(`client.AzureLists`) as REST JSON: each account with its deployments, RAI policies (content
filters), blocklists and their items, and projects. `foundry-estate import` writes a manifest from it;
`foundry-estate drift` compares it with a stack's plan."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
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
    """These accounts of `group` (as listed) with what is under them, read in parallel (`azure.parallel`)."""
    accounts = sorted(bodies, key=lambda a: str(a.get("name", "")).lower())
    wanted = [(str(body["name"]), kind) for body in accounts for kind in _COLLECTIONS
              if kind != "projects" or body.get("kind") == "AIServices"]
    read = dict(zip(wanted, azure.parallel([partial(getattr(azure, kind), group, name) for name, kind in wanted])))
    blocklists = [(name, str(b["name"])) for name, kind in wanted if kind == "rai_blocklists" for b in read[(name, kind)]]
    terms: dict[str, dict[str, tuple[Json, ...]]] = {}
    for (name, blocklist), items in zip(blocklists, azure.parallel(
            [partial(azure.rai_blocklist_items, group, name, blocklist) for name, blocklist in blocklists])):
        terms.setdefault(name, {})[blocklist] = tuple(items)
    return LiveEstate(azure.subscription, group, tuple(LiveAccount(
        account=body,
        deployments=tuple(read[(name, "deployments")]),
        rai_policies=tuple(read[(name, "rai_policies")]),
        rai_blocklists=tuple(read[(name, "rai_blocklists")]),
        rai_blocklist_items=terms.get(name, {}),
        projects=tuple(read.get((name, "projects"), ())),
    ) for name, body in ((str(body["name"]), body) for body in accounts)))


# What is read under each account (the methods of AzureLists); projects only under AIServices accounts
_COLLECTIONS = ("deployments", "rai_policies", "rai_blocklists", "projects")


def bodies(estate: LiveEstate) -> list[tuple[str, Json]]:
    """Every resource read, as (Pulumi type token, ARM body)."""
    from foundry_estate.azure import resource_types as types

    found: list[tuple[str, Json]] = []
    for account in estate.accounts:
        found.append((types.ACCOUNT, account.account))
        found += [(types.DEPLOYMENT, body) for body in account.deployments]
        found += [(types.RAI_POLICY, body) for body in account.rai_policies]
        found += [(types.BLOCKLIST, body) for body in account.rai_blocklists]
        found += [(types.BLOCKLIST_ITEM, body) for items in account.rai_blocklist_items.values() for body in items]
        found += [(types.PROJECT, body) for body in account.projects]
    return found


def read_backs(estate: LiveEstate) -> dict[str, Any]:
    """What azure-native's `Read` returns for every resource read (foundry_estate/azure/read_back.py),
    by ARM id: the old state of the first `pulumi up` that imports them."""
    from foundry_estate.azure.read_back import read_back
    from foundry_estate.manifest.adopted import ReadBack

    return {str(body["id"]): ReadBack(token, read_back(token, str(body["id"]), body))
            for token, body in bodies(estate) if body.get("id")}
