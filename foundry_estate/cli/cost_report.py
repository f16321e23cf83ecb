"""Monthly cost estimates for people (text, markdown for a pull request) and programs (JSON).

Every figure is traceable: each line shows its arithmetic (quantity x unit price x hours, or
tokens x price per million) and the price's source (the Retail Prices API meter, or the page).
Totals say what they leave out: unknown prices, and token-priced deployments without `usage`.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Callable, TextIO

from foundry_estate.catalog.estimate import HOURS_PER_MONTH, CostLine, StackCost, arithmetic, cents, dollars
from foundry_estate.preview.cost_change import CostChange, LineChange
from foundry_estate.cli import markdown as md
from foundry_estate.words import inert_json, plural

BASIS = f"list prices in USD; {HOURS_PER_MONTH} hours a month, Azure's convention"


def left_out(cost: StackCost) -> str:
    """What the total does not include, or ""."""
    parts = []
    if cost.unknown:
        parts.append(f"{plural(len(cost.unknown), 'unknown price')}")
    if cost.usage_undeclared:
        parts.append(f"{plural(len(cost.usage_undeclared), 'token-priced deployment')} without declared usage")
    return f"leaves out {' and '.join(parts)}" if parts else ""


def total_sentence(cost: StackCost) -> str:
    omitted = left_out(cost)
    return f"{dollars(cost.monthly)} a month" + (f" ({omitted})" if omitted else "")


def text(costs: list[StackCost], out: TextIO) -> None:
    print(f"Monthly cost estimate ({BASIS})", file=out)
    for cost in costs:
        print(f"Stack {cost.stack}: {total_sentence(cost)}", file=out)
        width = max((len(line.resource) for line in cost.lines), default=0)
        for line in cost.lines:
            figure = dollars(line.monthly) if line.monthly is not None else "-"
            print(f"  {line.resource:<{width}}  {figure:>12}  {arithmetic(line)}", file=out)
            if line.source:
                print(f"  {'':<{width}}  {'':>12}  source: {line.source}", file=out)
        print(file=out)


def markdown(costs: list[StackCost], out: TextIO) -> None:
    print("### Monthly cost estimate\n", file=out)
    print("| Stack | Monthly | Left out |\n|---|---:|---|", file=out)
    for cost in costs:
        omitted = left_out(cost).removeprefix("leaves out ") or "-"
        print(f"| {md.text(cost.stack)} | {dollars(cost.monthly)} | {omitted} |", file=out)
    print(f"\n{BASIS[0].upper()}{BASIS[1:]}.", file=out)
    for cost in costs:
        print(f"\n#### {md.text(cost.stack)}\n", file=out)
        print(markdown_lines(cost.lines), file=out)


def markdown_lines(lines: tuple[CostLine, ...] | list[CostLine]) -> str:
    """A table of lines, then the sources they cite, numbered."""
    sources: list[str] = []
    rows = ["| Resource | Monthly | How | Source |", "|---|---:|---|---|"]
    for line in lines:
        figure = dollars(line.monthly) if line.monthly is not None else "-"
        rows.append(f"| {md.code(line.resource)} | {figure} | {_cell(arithmetic(line))} | {_refs(line, sources)} |")
    return "\n".join(rows) + _source_notes(sources)


def _refs(line: CostLine, sources: list[str]) -> str:
    """The line's sources as numbered references (`[1] [2]`, or `-`), numbering new ones into `sources`."""
    refs = []
    for price in line.prices:
        if price.source not in sources:
            sources.append(price.source)
        refs.append(f"[{sources.index(price.source) + 1}]")
    return " ".join(refs) or "-"


def _source_notes(sources: list[str]) -> str:
    """The numbered sources under a table, or ""."""
    notes = [f"{index}. {_cell(source)}" for index, source in enumerate(sources, 1)]
    return "\n\nSources:\n\n" + "\n".join(notes) if notes else ""


def _cell(value: str) -> str:
    """A value in a table cell or list of a PR comment: escaped (no HTML, link, mention or cell boundary)."""
    return md.text(value)


def money(amount: Decimal | None) -> float | None:
    return float(cents(amount)) if amount is not None else None


def line_record(line: CostLine) -> dict[str, Any]:
    return {
        "resource": line.resource,
        "quantity": line.quantity,
        "unitPrice": float(line.unit_price) if line.unit_price is not None else None,
        "unit": line.unit,
        "hoursPerMonth": line.hours_per_month,
        "monthly": money(line.monthly),
        "inputPerMillion": float(line.input_per_million) if line.input_per_million is not None else None,
        "outputPerMillion": float(line.output_per_million) if line.output_per_million is not None else None,
        "source": line.source if not line.unknown else None,
    }


def cost_record(cost: StackCost) -> dict[str, Any]:
    return {"stack": cost.stack, "currency": cost.currency, "monthly": money(cost.monthly),
            "lines": [line_record(line) for line in cost.lines]}


def as_json(costs: list[StackCost], out: TextIO) -> None:
    out.write(inert_json(json.dumps({"stacks": [cost_record(cost) for cost in costs]}, indent=2, sort_keys=True)) + "\n")


REPORTERS: dict[str, Callable[[list[StackCost], TextIO], None]] = {"text": text, "json": as_json, "markdown": markdown}


# --- what a change costs (the diff's cost lines) ---------------------------------------------

def change_headline(change: CostChange) -> str:
    """`$13,150.00 → $14,610.00 a month (+$1,460.00)`, and what the figures leave out."""
    before = dollars(change.base.monthly) if change.base else "$0.00 (new stack)"
    after = dollars(change.head.monthly) if change.head else "$0.00"
    omitted = left_out(change.head) if change.head else ""
    note = "; leaves out changed lines whose price is unknown" if change.partial else ""
    delta = dollars(change.delta, signed=True)
    return f"{before} → {after} a month ({delta}{note})" + (f", {omitted}" if omitted else "")


def _side(line: CostLine | None) -> str:
    if line is None:
        return "none"
    return dollars(line.monthly) if line.monthly is not None else ("unknown" if line.unknown else "per use ($0 in the total)")


def _how(change: LineChange) -> str:
    line = change.line
    how = "removed" if change.head is None else arithmetic(line)
    return how + ("; renamed: both bill while both exist" if change.renamed else "")


def change_text(change: CostChange, out: TextIO) -> None:
    if change.base is None and change.head is None:  # unchanged inputs: neither side was planned
        return
    if not change.lines and change.base is not None and change.head is not None and change.delta == 0:
        print(f"  Monthly cost at list price: unchanged at {dollars(change.head.monthly)}", file=out)
        return
    print(f"  Monthly cost at list price: {change_headline(change)}", file=out)
    for line in change.lines:
        delta = dollars(line.delta, signed=True) if line.delta is not None else "?"
        print(f"    {delta:>12}  {line.resource}: {_side(line.base)} → {_side(line.head)} ({_how(line)})", file=out)
        if line.line.source:
            print(f"    {'':>12}  source: {line.line.source}", file=out)


def change_markdown_summary(changes: list[CostChange], out: TextIO) -> None:
    """The monthly delta first (as Infracost's comment leads with it), one row per stack."""
    total = sum((change.delta for change in changes), Decimal(0))
    partial = " (leaves out changed resources whose price is unknown)" if any(change.partial for change in changes) else ""
    print(f"**Monthly cost at list price: {dollars(total, signed=True)}**{partial}\n", file=out)
    print("| stack | monthly before | after | change |\n|---|---:|---:|---:|", file=out)
    for change in changes:
        before = dollars(change.base.monthly) if change.base else "new"
        after = dollars(change.head.monthly) if change.head else "$0.00"
        print(f"| {md.text(change.stack)} | {before} | {after} | {dollars(change.delta, signed=True)} |", file=out)
    print(file=out)


def change_markdown_detail(change: CostChange, out: TextIO) -> None:
    if not change.lines:
        return
    print(f"\n**Monthly cost: {_cell(change_headline(change))}**\n", file=out)
    sources: list[str] = []
    print("| Resource | Before | After | Change | How | Source |\n|---|---:|---:|---:|---|---|", file=out)
    for line in change.lines:
        delta = dollars(line.delta, signed=True) if line.delta is not None else "?"
        print(f"| {md.code(line.resource)} | {_side(line.base)} | {_side(line.head)} | {delta} | {_cell(_how(line))} | "
              f"{_refs(line.line, sources)} |", file=out)
    if sources:
        print(_source_notes(sources).removeprefix("\n"), file=out)


def change_record(change: CostChange) -> dict[str, Any]:
    return {
        "monthlyCost": {"base": money(change.base.monthly) if change.base else None,
                        "head": money(change.head.monthly) if change.head else None,
                        "delta": money(change.delta)},
        "costChanges": [{"resource": line.resource, "base": money(line.base.monthly) if line.base else None,
                         "head": money(line.head.monthly) if line.head else None, "delta": money(line.delta),
                         "renamed": line.renamed, "source": line.line.source} for line in change.lines],
    }
