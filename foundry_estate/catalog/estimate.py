"""A stack's monthly cost at list price, line by line. Pure: what Azure bills in, lines out.

What Azure bills (`Billed`) comes from either side of the kit (`billed.py`): a validated
manifest (for `validate` and its guardrail, with manifest paths) or the resources the program
registers (for `plan`, `diff`, `cost` and the policy pack, with URNs). The arithmetic is here once:

- a provisioned deployment: PTUs x the PTU-hour of its deployment type, model format and region
  x HOURS_PER_MONTH;
- a managed online deployment: instances x the VM size's hour in its region x HOURS_PER_MONTH;
- a token-priced deployment (Standard, GlobalStandard, DataZoneStandard, batch): its input and
  output price per million tokens, and a monthly figure only where the manifest declares its
  expected `usage` (tokens per month / 1M x each price).

A price the table does not hold is unknown: the line says so and the total leaves it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Iterable

from foundry_estate.catalog.prices import INPUT_TOKENS, OUTPUT_TOKENS, Price, PriceTable

HOURS_PER_MONTH = 730  # Azure's convention (8,760 hours a year / 12), as its pricing calculator uses
CURRENCY = "USD"
PTU, INSTANCES, TOKENS = "ptu", "instances", "tokens"
PROVISIONED_SKUS = frozenset({"ProvisionedManaged", "GlobalProvisionedManaged", "DataZoneProvisionedManaged"})


@dataclass(frozen=True)
class Usage:
    input_tokens: int  # per month
    output_tokens: int


@dataclass(frozen=True)
class Billed:
    """One thing Azure bills, as the stack declares it."""
    resource: str  # "<account>/<deployment>" or "<hub>/<endpoint>/<deployment>": ends with the deployment's name
    kind: str  # ptu | instances | tokens
    region: str
    quantity: int  # PTUs or instances (tokens: the deployment's capacity, not billed)
    sku: str | None = None
    format: str | None = None
    model: str | None = None
    instance_type: str | None = None
    usage: Usage | None = None
    where: Any = None  # the adapter's handle: a manifest path or a URN


def kind_of_sku(sku: str) -> str:
    return PTU if sku in PROVISIONED_SKUS else TOKENS


@dataclass(frozen=True)
class CostLine:
    billed: Billed
    unit_price: Decimal | None  # per hour (PTU or instance); None for tokens or an unknown price
    unit: str  # what the quantity counts: PTU, instance, 1M tokens
    hours_per_month: int | None
    monthly: Decimal | None  # None: unknown, or tokens without declared usage
    input_per_million: Decimal | None = None
    output_per_million: Decimal | None = None
    prices: tuple[Price, ...] = ()
    unknown: str = ""  # what price is missing (empty: none)

    @property
    def resource(self) -> str:
        return self.billed.resource

    @property
    def source(self) -> str | None:
        return "; ".join(price.source for price in self.prices) or None

    @property
    def committed(self) -> bool:
        """Billed by the hour whatever the traffic (PTUs, instances): what the stack commits to."""
        return self.billed.kind != TOKENS

    @property
    def quantity(self) -> int | None:
        """The PTUs or instances billed; None for tokens (a token-priced deployment's capacity is a rate limit)."""
        return self.billed.quantity if self.committed else None


@dataclass(frozen=True)
class StackCost:
    stack: str
    lines: tuple[CostLine, ...]
    currency: str = CURRENCY

    @property
    def monthly(self) -> Decimal:
        """The sum of the lines with a monthly figure (unknown prices and undeclared usage left out)."""
        return sum((line.monthly for line in self.lines if line.monthly is not None), Decimal(0))

    @property
    def committed(self) -> Decimal:
        return sum((line.monthly for line in self.lines if line.monthly is not None and line.committed), Decimal(0))

    @property
    def unknown(self) -> tuple[CostLine, ...]:
        return tuple(line for line in self.lines if line.unknown)

    @property
    def usage_undeclared(self) -> tuple[CostLine, ...]:
        return tuple(line for line in self.lines if not line.unknown and line.monthly is None)

    def line(self, resource: str) -> CostLine | None:
        return next((line for line in self.lines if line.resource == resource), None)


def estimate(stack: str, billed: Iterable[Billed], table: PriceTable) -> StackCost:
    return StackCost(stack, tuple(cost_line(item, table) for item in sorted(billed, key=lambda b: b.resource)))


def cost_line(item: Billed, table: PriceTable) -> CostLine:
    if item.kind == TOKENS:
        return _tokens(item, table)
    if item.kind == PTU:
        assert item.sku and item.format and item.model
        price = table.ptu_hour(item.region, item.sku, item.format, item.model)
        missing = f"no PTU-hour price for {item.format} {item.sku} in {item.region}"
        unit = "PTU"
    else:
        assert item.instance_type
        price = table.instance_hour(item.region, item.instance_type)
        missing = f"no hourly price for {item.instance_type} in {item.region}"
        unit = "instance"
    if price is None:
        return CostLine(item, None, unit, HOURS_PER_MONTH, None, unknown=missing)
    rate = Decimal(str(price.price))
    return CostLine(item, rate, unit, HOURS_PER_MONTH, item.quantity * rate * HOURS_PER_MONTH, prices=(price,))


def _tokens(item: Billed, table: PriceTable) -> CostLine:
    assert item.sku and item.format and item.model
    found = {kind: table.tokens(kind, item.region, item.sku, item.format, item.model) for kind in (INPUT_TOKENS, OUTPUT_TOKENS)}
    known = tuple(price for price in found.values() if price is not None)
    rates = {kind: Decimal(str(price.price)) if price else None for kind, price in found.items()}
    missing = [word for word, kind in (("input", INPUT_TOKENS), ("output", OUTPUT_TOKENS)) if found[kind] is None]
    unknown = f"no {' or '.join(missing)} token price for {item.format} {item.model} {item.sku} in {item.region}" if missing else ""
    monthly = None
    price_in, price_out = rates[INPUT_TOKENS], rates[OUTPUT_TOKENS]
    if item.usage is not None and price_in is not None and price_out is not None:
        monthly = (item.usage.input_tokens * price_in + item.usage.output_tokens * price_out) / Decimal(1_000_000)
    return CostLine(item, None, "1M tokens", None, monthly, price_in, price_out, known, unknown)


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def dollars(amount: Decimal | None, signed: bool = False) -> str:
    """$1,234.50; with `signed`, +$1,234.50 / -$12.00 / $0.00."""
    if amount is None:
        return "unknown"
    value = cents(amount)
    sign = "+" if signed and value > 0 else "-" if value < 0 else ""
    return f"{sign}${abs(value):,.2f}"


def rate(amount: Decimal) -> str:
    """A unit price as given, without trailing zeros ($1.1, $0.71, $27.5)."""
    text = format(amount.normalize(), "f")
    return f"${text}"


def arithmetic(line: CostLine) -> str:
    """How the line's monthly figure is made, in one phrase."""
    if line.unknown:
        return f"unknown: {line.unknown}"
    if line.billed.kind == TOKENS:
        assert line.input_per_million is not None and line.output_per_million is not None
        prices = f"{rate(line.input_per_million)} in, {rate(line.output_per_million)} out per 1M tokens"
        usage = line.billed.usage
        if usage is None:
            return f"{prices} (no usage declared, so no monthly figure)"
        return (f"{_millions(usage.input_tokens)} in x {rate(line.input_per_million)} + "
                f"{_millions(usage.output_tokens)} out x {rate(line.output_per_million)} per 1M tokens")
    assert line.unit_price is not None
    return f"{line.billed.quantity} {line.unit}{'s' if line.billed.quantity != 1 else ''} x {rate(line.unit_price)}/hour x {line.hours_per_month} hours"


def _millions(tokens: int) -> str:
    value = Decimal(tokens) / Decimal(1_000_000)
    return f"{format(value.normalize(), 'f')}M"
