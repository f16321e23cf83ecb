"""Quota use: capacity requested per (location, SKU, model) against the budgets of `quotas`.

`quota_use` is one manifest's (plans carry it; diffs quote it next to capacity changes).
`shared_use` adds up the stacks that deploy into one subscription, since Azure's quota is a
pool per subscription, region, SKU and model: `foundry-estate quota` reports it, and it fails
validation when the stacks together pass a budget (the stacks' manifests:
`foundry_estate/repository/manifests.py`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, TypeVar, Union

from foundry_estate.azure.lists import LiveModel, LiveUsage
from foundry_estate.manifest.document import Document
from foundry_estate.errors import Position, Problem
from foundry_estate.catalog.instance_types import shipped_instance_types
from foundry_estate.manifest.model import Manifest
from foundry_estate.validate.checks.quotas import core_key, written_budgets, written_requests

Key = tuple[str, str, str]  # (location, SKU, model)


def label(key: Key) -> str:
    return " ".join(key)


@dataclass(frozen=True)
class QuotaUse:
    location: str
    sku: str
    model: str
    requested: int
    limit: int | None  # None: no budget declared
    deployments: tuple[str, ...]  # "<account key>/<deployment>", each contributing

    @property
    def label(self) -> str:
        return label((self.location, self.sku, self.model))



def requests(manifest: Manifest) -> dict[Key, list[tuple[str, int]]]:
    """Per (location, SKU, model), the deployments asking for it: ("<account key>/<deployment>", capacity)."""
    requested: dict[Key, list[tuple[str, int]]] = defaultdict(list)
    for account in manifest.accounts:
        for deployment in account.deployments:
            key = (account.location, deployment.sku, deployment.model.name)
            requested[key].append((f"{account.key}/{deployment.name}", deployment.capacity))
    return requested


def quota_use(manifest: Manifest) -> list[QuotaUse]:
    """Every (location, SKU, model) a deployment requests or a budget names, sorted."""
    requested = requests(manifest)
    limits = {(q.location, q.sku, q.model): q.limit for q in manifest.quotas}
    return [QuotaUse(*key, sum(c for _, c in requested.get(key, [])), limits.get(key),
                     tuple(sorted(name for name, _ in requested.get(key, []))))
            for key in sorted(set(requested) | set(limits))]


@dataclass(frozen=True)
class CoreUse:
    """vCPU cores of one VM family in one region that managed online deployments request."""

    location: str
    vm_family: str
    requested: int
    limit: int | None
    deployments: tuple[str, ...]  # "<hub key>/<project>/<endpoint>/<deployment>"

    def describe(self) -> str:
        budget = f" / {self.limit}" if self.limit is not None else " requested, no budget declared"
        return f"VM cores {self.vm_family} in {self.location}: {self.requested}{budget}"


def core_use(manifest: Manifest) -> list[CoreUse]:
    """Per (location, VM family): instanceCount × cores of every managed online deployment,
    against the `{location, vmFamily, limit}` budgets. Unknown instance types are validation's."""
    types = shipped_instance_types()
    requested: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    spelled: dict[tuple[str, str], str] = {}  # the budget's spelling of a family, else the catalog's
    for hub in manifest.hubs:
        for project in hub.projects:
            for endpoint in project.online_endpoints:
                for deployment in endpoint.deployments:
                    known = types.named(deployment.instance_type)
                    if known is not None:
                        key = core_key(hub.location, known.vm_family)
                        spelled.setdefault(key, known.vm_family)
                        requested[key].append((f"{hub.key}/{project.name}/{endpoint.name}/{deployment.name}",
                                               deployment.instance_count * known.cores))
    limits = {}
    for quota in manifest.core_quotas:
        limits[core_key(quota.location, quota.vm_family)] = quota.limit
        spelled[core_key(quota.location, quota.vm_family)] = quota.vm_family
    return [CoreUse(key[0], spelled[key], sum(c for _, c in requested.get(key, [])), limits.get(key),
                    tuple(sorted(name for name, _ in requested.get(key, []))))
            for key in sorted(set(requested) | set(limits))]


# --- stacks sharing a subscription ------------------------------------------------------------

@dataclass(frozen=True)
class StackManifest:
    """A stack's valid manifest, the document it was read from and the subscription it deploys to."""

    stack: str
    subscription: str | None  # None: its config does not say
    document: Document
    manifest: Manifest

    def requests(self) -> dict[Key, list[tuple[str, int]]]:
        return requests(self.manifest)


@dataclass(frozen=True)
class InvalidManifest:
    """A stack whose manifest has errors: its share of the subscription's quota is what is well
    formed in the document (`written_requests`), so that validation reports a budget the stacks
    pass together with the manifest's other errors, not only once they are fixed."""

    stack: str
    subscription: str | None
    document: Document

    def requests(self) -> dict[Key, list[tuple[str, int]]]:
        """What its deployments ask for; one whose capacity is no whole number (its error) asks nothing."""
        return {key: [(f"{path[1]}/{path[3]}", capacity) for path, capacity in asked if capacity]
                for key, asked in written_requests(self.document.data).items()}


QuotaSource = Union[StackManifest, InvalidManifest]
S = TypeVar("S", bound=QuotaSource)


@dataclass(frozen=True)
class Budget:
    stack: str
    limit: int
    position: Position  # where `quotas[i].limit` is written
    path: str


@dataclass(frozen=True)
class Contributor:
    stack: str
    deployment: str  # "<account key>/<deployment>"
    capacity: int

    def __str__(self) -> str:
        return f"{self.stack}/{self.deployment} ({self.capacity})"


@dataclass(frozen=True)
class SharedUse:
    subscription: str | None
    stacks: tuple[str, ...]  # every stack of the group, contributing or not
    key: Key
    contributors: tuple[Contributor, ...]
    budgets: tuple[Budget, ...]

    @property
    def requested(self) -> int:
        return sum(c.capacity for c in self.contributors)

    @property
    def limit(self) -> int | None:
        """The smallest budget any stack of the subscription declares (None: none does)."""
        return min((b.limit for b in self.budgets), default=None)

    @property
    def headroom(self) -> int | None:
        return None if self.limit is None else self.limit - self.requested

    @property
    def budgets_differ(self) -> bool:
        return len({b.limit for b in self.budgets}) > 1

    def describe(self) -> str:
        """`quota eastus2 GlobalStandard grok-4: 270 / 400 (stacks dev, prod together)`."""
        stacks = sorted({c.stack for c in self.contributors})
        together = f" (stacks {', '.join(stacks)} together)" if len(stacks) > 1 else ""
        budget = f" / {self.limit}{together}" if self.limit is not None else f" requested{together}, no budget declared"
        over = " — over budget" if self.limit is not None and self.requested > self.limit else ""
        return f"quota {label(self.key)}: {self.requested}{budget}{over}"

    def counts(self, stack: str, deployment: str) -> bool:
        """Whether `<account key>/<deployment>` of `stack` contributes."""
        return any(c.stack == stack and c.deployment == deployment for c in self.contributors)

    def group(self) -> str:
        if self.subscription:
            return f"subscription {self.subscription}"
        return f"unknown subscription (stack {self.stacks[0]})"

    def problems(self) -> list[tuple[str, Problem]]:
        """Each budget the stacks together pass, at its position: (stack declaring it, problem)."""
        names = ", ".join(str(c) for c in self.contributors)
        location, sku, model = self.key
        return [(b.stack, Problem(b.position, b.path, f"deployments in {self.group()} request {self.requested} capacity "
                                                      f"units of {model} {sku} in {location}, over the limit of {b.limit}: {names}"))
                for b in self.budgets if self.requested > b.limit]

def subscription_groups(stacks: Iterable[S]) -> list[list[S]]:
    """Stacks grouped by subscription (ignoring case), known subscriptions first; a stack whose
    subscription is unknown is a group of its own."""
    groups: dict[tuple[int, str], list[S]] = defaultdict(list)
    for stack in stacks:
        key = (0, stack.subscription.lower()) if stack.subscription else (1, stack.document.file)
        groups[key].append(stack)
    return [sorted(groups[key], key=lambda s: s.stack) for key in sorted(groups)]


def shared_use(stacks: Iterable[QuotaSource]) -> list[SharedUse]:
    """Per subscription, every (location, SKU, model) its stacks request or budget, sorted."""
    uses = []
    for group in subscription_groups(stacks):
        contributors: dict[Key, list[Contributor]] = defaultdict(list)
        budgets: dict[Key, list[Budget]] = defaultdict(list)
        for stack in group:
            for key, requested in stack.requests().items():
                contributors[key] += [Contributor(stack.stack, name, capacity) for name, capacity in requested]
            for key, budget in _budgets(stack).items():
                budgets[key] += budget
        names = tuple(stack.stack for stack in group)
        uses += [SharedUse(group[0].subscription, names, key, tuple(contributors.get(key, [])), tuple(budgets.get(key, [])))
                 for key in sorted(set(contributors) | set(budgets))]
    return uses


def shared_problems(uses: Iterable[SharedUse]) -> list[tuple[str, Problem]]:
    """Every budget passed, once (a budget in a base that several stacks extend is one place)."""
    found: dict[Problem, str] = {}
    for use in uses:
        for stack, problem in use.problems():
            found.setdefault(problem, stack)
    return [(stack, problem) for problem, stack in found.items()]


def _budgets(stack: QuotaSource) -> dict[Key, list[Budget]]:
    """The model budgets of a manifest (those well formed, if it is invalid), with where each limit is written."""
    found: dict[Key, list[Budget]] = defaultdict(list)
    for index, key, limit in written_budgets(stack.document.data):
        path = ("quotas", index, "limit")
        found[key].append(Budget(stack.stack, limit, stack.document.position(path), f"quotas[{index}].limit"))
    return found



# --- against Azure's quota (foundry-estate quota --live) -----------------------------------------

@dataclass(frozen=True)
class LivePool:
    """One quota pool of Azure (a usage name in a location) and what the stacks request from it."""

    location: str
    usage_name: str | None  # None: the models list offers no such model and SKU there
    usage: LiveUsage | None  # None: the usages list has no such name
    uses: tuple[SharedUse, ...]

    @property
    def requested(self) -> int:
        return sum(use.requested for use in self.uses)

    @property
    def short(self) -> float | None:
        """How much more the stacks request than is free (0: it fits; None: unknown)."""
        return None if self.usage is None else max(0.0, self.requested - self.usage.free)


def live_pools(uses: Iterable[SharedUse], models: dict[str, list[LiveModel]],
               usages: dict[str, dict[str, LiveUsage]]) -> list[LivePool]:
    """The requested (location, SKU, model)s by the usage name the models list gives them
    (Azure's quota covers every version of a model, so any version's name serves)."""
    pools: dict[tuple[str, str], list[SharedUse]] = defaultdict(list)
    names: dict[tuple[str, str], str | None] = {}
    for use in uses:
        if not use.contributors:
            continue
        location, sku, model = use.key
        usage_name = next((s.usage_name for m in models.get(location, []) if m.name == model
                           for s in m.skus if s.name == sku and s.usage_name), None)
        pool = (location, usage_name or label(use.key))
        pools[pool].append(use)
        names[pool] = usage_name
    return [LivePool(location, names[location, key], usages.get(location, {}).get(names[location, key] or ""),
                     tuple(pools[location, key]))
            for location, key in sorted(pools)]
