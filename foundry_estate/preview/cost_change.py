"""What a change costs: each billed resource's monthly figure before and after, and each stack's.

The two plans of a diff each carry their cost (`Plan.cost`, lines keyed by URN). A line whose
monthly figure, unit price or prices per million tokens differ is a change: a resource added or
removed, resized, moved to another deployment type or region, its declared usage changed, or its
price (a refreshed table). The stack's delta is the difference of its totals, so it is the sum of
its lines' deltas where every price is known. A renamed deployment is a new resource created
before the old one is deleted: both bill while both exist, as the quota line says.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from foundry_estate.catalog.estimate import CostLine, StackCost
from foundry_estate.preview.diff import REPLACE, StackDiff


@dataclass(frozen=True)
class LineChange:
    base: CostLine | None
    head: CostLine | None
    renamed: bool = False  # the head's line is the base's resource under a new name: both bill while both exist

    @property
    def line(self) -> CostLine:
        line = self.head or self.base
        assert line is not None
        return line

    @property
    def resource(self) -> str:
        return self.line.resource

    @property
    def delta(self) -> Decimal | None:
        """What the line adds to the stack's monthly total: head - base, a side absent or without
        declared usage counting 0 (as in the totals); None when a side's price is unknown."""
        if any(line is not None and line.unknown for line in (self.base, self.head)):
            return None
        return _monthly(self.head) - _monthly(self.base)


@dataclass(frozen=True)
class CostChange:
    stack: str
    base: StackCost | None  # None: the stack is new
    head: StackCost | None  # None: the stack's files were removed (nothing in Azure changes)
    lines: tuple[LineChange, ...]

    @property
    def delta(self) -> Decimal:
        return (self.head.monthly if self.head else Decimal(0)) - (self.base.monthly if self.base else Decimal(0))

    @property
    def partial(self) -> bool:
        """Some changed line's price is unknown, so the delta leaves it out."""
        return any(change.delta is None for change in self.lines)


def cost_change(diff: StackDiff) -> CostChange:
    base = diff.base.cost if diff.base else None
    head = diff.head.cost if diff.head else None
    if diff.unchanged or head is None:
        return CostChange(diff.stack, base, head if head is not None else base, ())
    before = {line.billed.where: line for line in base.lines} if base else {}
    after = {line.billed.where: line for line in head.lines}
    renames = {change.old.urn: change.new.urn for change in diff.changes
               if change.action == REPLACE and change.old and change.new and change.old.urn != change.new.urn}
    changes = []
    for urn in sorted(set(before) | set(after), key=lambda u: (after.get(u) or before[u]).resource):
        old, new = before.get(urn), after.get(urn)
        if old is not None and new is not None and _figures(old) == _figures(new):
            continue
        changes.append(LineChange(old, new, renamed=urn in renames.values() or urn in renames))
    return CostChange(diff.stack, base, head, tuple(changes))


def _figures(line: CostLine) -> tuple[object, ...]:
    """What a line's cost is made of (a token-priced deployment's capacity is a rate limit, not billed)."""
    return (line.monthly, line.unit_price, line.input_per_million, line.output_per_million, line.quantity, line.unknown)


def _monthly(line: CostLine | None) -> Decimal:
    return line.monthly if line is not None and line.monthly is not None else Decimal(0)
