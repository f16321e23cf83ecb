"""The small model guardrails are checked against: what a stack declares, in Azure's terms.

Two adapters fill it: `manifest_facts` from a validated manifest (each fact remembers the
manifest path it came from) and `engine_facts` from the resources the Pulumi engine sees
(each fact remembers its URN). Rules read facts only, so both enforcement points apply the
same rules with the same messages; `where` is the adapter's own handle on the source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from foundry_estate.azure.content_filters import BUILTIN_SETTINGS, HARM_CATEGORIES, SOURCES, is_builtin, strength
from foundry_estate.catalog.estimate import INSTANCES, Billed
from foundry_estate.catalog.prices import PriceTable


def at_least(setting: str | None, required: str) -> bool:
    """Whether a harm setting blocks at least as much as `required` (annotate and off block nothing)."""
    return strength(setting) >= strength(required)


@dataclass(frozen=True, order=True)
class Ref:
    """What a violation is about, by Azure identity: the same object from either adapter."""

    kind: str  # account | deployment
    account: str  # the account's Azure name ("?" when the engine cannot tell)
    name: str  # the deployment's Azure name; the account's own name for an account

    def __str__(self) -> str:
        return f"account {self.account}" if self.kind == "account" else f"deployment {self.account}/{self.name}"


@dataclass(frozen=True)
class ContentFilterFacts:
    """The content filter a deployment names, with the settings it writes.

    `settings` maps (category, source) to the manifest's words: low | medium | high |
    annotate | off for harm categories, block | annotate | off for the others.
    `defined` is False when no such filter exists in the stack (the engine sees only a name).
    """

    name: str
    base: str | None = None
    settings: Mapping[tuple[str, str], str] = field(default_factory=dict)
    defined: bool = True

    @property
    def builtin(self) -> bool:
        return is_builtin(self.name)

    def effective(self, category: str, source: str) -> tuple[str | None, str | None]:
        """(setting, origin): what applies to `category` on `source`, and the built-in policy it
        comes from (None when this filter sets it itself)."""
        policy = self.name if self.builtin else self.base
        if not self.builtin and (category, source) in self.settings:
            return self.settings[category, source], None
        if policy is None:
            return None, None
        return BUILTIN_SETTINGS.get(policy, {}).get((category, source)), policy


@dataclass(frozen=True)
class DeploymentFacts:
    ref: Ref
    where: Any
    format: str | None
    model: str | None
    version: str | None
    sku: str | None
    capacity: int | None
    version_upgrade: str | None
    content_filter: ContentFilterFacts | None  # None: the deployment names no content filter


@dataclass(frozen=True)
class AccountFacts:
    ref: Ref
    where: Any
    local_auth_disabled: bool
    public_network_access: str
    private_endpoints: int
    identity: str  # Azure's identity type; "None" when there is none
    diagnostics: bool
    tags: Mapping[str, str]
    protect: bool


@dataclass(frozen=True)
class BilledFacts:
    """Something Azure bills the stack for (a model deployment, a managed online deployment)."""

    ref: Ref
    where: Any
    billed: Billed
    field: tuple[str, ...]  # what sets its size: capacity (PTUs) or instanceCount


@dataclass(frozen=True)
class Facts:
    accounts: tuple[AccountFacts, ...] = ()
    deployments: tuple[DeploymentFacts, ...] = ()
    billed: tuple[BilledFacts, ...] = ()
    prices: PriceTable | None = None  # what max-monthly-cost prices with (None: the kit's own table)


def billed_facts(item: Billed) -> BilledFacts:
    """An item as guardrail facts: named `<account>/<deployment>` (or `<project>/<endpoint>/<deployment>`)."""
    account, _, name = item.resource.rpartition("/")
    return BilledFacts(Ref("deployment", account, name), item.where, item,
                       ("instanceCount",) if item.kind == INSTANCES else ("capacity",))
