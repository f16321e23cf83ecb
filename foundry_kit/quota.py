"""Quota use of a typed manifest: capacity requested per (location, SKU, model) against
the budgets declared in `quotas`. Plans carry it; diffs quote it next to capacity changes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .manifest import Manifest


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
        return f"{self.location} {self.sku} {self.model}"

    def describe(self) -> str:
        if self.limit is None:
            return f"quota {self.label}: {self.requested} requested, no budget declared"
        return f"quota {self.label}: {self.requested} / {self.limit}"


def quota_use(manifest: Manifest) -> list[QuotaUse]:
    """Every (location, SKU, model) a deployment requests or a budget names, sorted."""
    requested: dict[tuple[str, str, str], list[tuple[str, int]]] = defaultdict(list)
    for account in manifest.accounts:
        for deployment in account.deployments:
            key = (account.location, deployment.sku, deployment.model.name)
            requested[key].append((f"{account.key}/{deployment.name}", deployment.capacity))
    limits = {(q.location, q.sku, q.model): q.limit for q in manifest.quotas}
    return [QuotaUse(*key, sum(c for _, c in requested.get(key, [])), limits.get(key),
                     tuple(sorted(name for name, _ in requested.get(key, []))))
            for key in sorted(set(requested) | set(limits))]
