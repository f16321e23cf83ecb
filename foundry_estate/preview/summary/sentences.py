"""What every sentence of the diff summary is made of: the sentence, values and arrows in
words, the stack being described, and the sentences of a resource known only by its title."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable

from foundry_estate.azure import describe
from foundry_estate.azure import resource_types as types
from foundry_estate.preview.diff import ABSENT, CREATE, DELETE, REPLACE, ResourceChange, StackDiff
from foundry_estate.preview.plan import Plan, PlannedResource


@dataclass(frozen=True)
class Sentence:
    subject: str
    text: str
    destructive: bool = False
    weakens: bool = False
    accounts: tuple[str, ...] = ()  # for what every account has its own copy of (filters, blocklists)

    def __str__(self) -> str:
        shared = f" ({', '.join(self.accounts)})" if self.accounts else ""
        return f"{self.subject}{shared}: {self.text}"


Sentences = Callable[["Context", ResourceChange], list[Sentence]]


def value(v: Any) -> str:
    if v is ABSENT or v is None:
        return "none"
    return v if isinstance(v, str) else json.dumps(v, sort_keys=True)


def arrow(old: Any, new: Any) -> str:
    return f"{value(old)} → {value(new)}"


class Context:
    """What sentences about one stack need: its plans and its name."""

    def __init__(self, diff: StackDiff):
        self.diff = diff

    def plan_of(self, change: ResourceChange) -> Plan:
        plan = self.diff.head if change.new is not None else self.diff.base
        assert plan is not None
        return plan

    def key(self, change: ResourceChange, resource: PlannedResource | None = None) -> str:
        resource = resource or change.resource
        return self.plan_of(change).account_label(resource.account) or ""

    def subject(self, change: ResourceChange, *parts: str) -> str:
        return " · ".join((self.diff.stack, self.key(change), *parts))


WORDS = {
    "sku.capacity": "capacity", "sku.name": "SKU", "properties.model.version": "model version",
    "properties.model.name": "model", "properties.model.format": "model format",
    "properties.raiPolicyName": "content filter", "properties.versionUpgradeOption": "version upgrade",
    "properties.spilloverDeploymentName": "spillover to", "properties.publicNetworkAccess": "public network access",
    "properties.networkAcls.defaultAction": "network default action", "identity.type": "managed identity",
    "properties.customSubDomainName": "custom subdomain", "location": "location", "kind": "kind",
    "sku": "SKU", "properties.displayName": "display name", "workspaceId": "Log Analytics workspace",
    "properties.instanceType": "instance type",
    "properties.modelProviderData.organizationName": "provider data organization",
    "properties.modelProviderData.countryCode": "provider data country",
    "properties.modelProviderData.industry": "provider data industry", "apiVersion": "API version",
    "properties.disableLocalAuth": "local authentication disabled", "properties.basePolicyName": "base policy",
    "properties.mode": "mode", "properties.description": "description", "tags": "tags",
}


def words(path: str) -> str:
    return WORDS.get(path, path)


def protect_sentences(change: ResourceChange) -> list[tuple[str, bool]]:
    """`deletion protection removed` (weakens) or `deletion protection on`."""
    return [("deletion protection removed" if c.new is False else "deletion protection on", c.new is False)
            for c in change.properties if c.path == "options.protect"]


def refusal(resource: PlannedResource) -> str:
    return (" It is protected: pulumi up refuses until a change setting `protect: false` is deployed first."
            if resource.protect else "")


def why(change: ResourceChange) -> str:
    """The changes that force a replacement, in words."""
    return "; ".join(f"{words(c.path)} {arrow(c.old, c.new)}" for c in change.properties
                     if c.path in change.replaced_because) or "what it lives in is replaced"


def lifecycle(ctx: Context, change: ResourceChange, created: str, deleted: str,
              replaced: str) -> tuple[str, list[Sentence]]:
    """The subject, and the sentence of a create, delete or replacement (none for an update)."""
    r = change.resource
    subject = ctx.subject(change, describe.title(r.type, r.inputs, r.name))
    if change.action == CREATE:
        return subject, [Sentence(subject, created.format(details=describe.details(r.type, r.inputs)))]
    if change.action == DELETE:
        return subject, [Sentence(subject, deleted, destructive=True)]
    if change.action == REPLACE:
        return subject, [Sentence(subject, replaced.format(why=why(change)), destructive=True)]
    return subject, []


def generic(ctx: Context, change: ResourceChange) -> list[Sentence]:
    r = change.resource
    subject = ctx.subject(change, describe.title(r.type, r.inputs, r.name)) if r.account else \
        f"{ctx.diff.stack} · {describe.title(r.type, r.inputs, r.name)}"
    if change.action == CREATE:
        return [Sentence(subject, "created")]
    if change.action == DELETE:
        return [Sentence(subject, "deleted", destructive=True)]
    parts = "; ".join(f"{c.path} {arrow(c.old, c.new)}" for c in change.properties)
    if change.action == REPLACE:
        return [Sentence(subject, f"replaced ({parts})", destructive=True)]
    return [Sentence(subject, parts)]


def titled(entry: types.ResourceType) -> Sentences:
    """Sentences for a resource known by its title: what creating and deleting it means (its table entry)."""
    def sentences(ctx: Context, change: ResourceChange) -> list[Sentence]:
        r = change.resource
        subject = ctx.subject(change, describe.title(r.type, r.inputs, r.name))
        if change.action == CREATE:
            return [Sentence(subject, entry.created or "created")]
        if change.action == DELETE:
            return [Sentence(subject, entry.deleted or "deleted", destructive=True, weakens=entry.deleted_weakens)]
        return generic(ctx, change)
    return sentences


def refused_in_place(ctx: Context, change: ResourceChange) -> list[Sentence]:
    """A change azure-native would make with a PUT but Azure refuses: its own finding."""
    entry = types.of(change.resource.type)
    if entry is None:
        return []
    why_not = entry.refusals
    r = change.resource
    subject = ctx.subject(change) if r.type == types.ACCOUNT else ctx.subject(change, describe.title(r.type, r.inputs, r.name))
    return [Sentence(subject, f"{words(path)} cannot change in place: {why_not[path]}; pulumi up will fail "
                                          f"on it. Keep it, or create a new {entry.kind} with the new value and move "
                                          f"what uses it over", destructive=True)
            for path in change.refused]
