"""Reporters of `foundry-estate quota`: capacity per subscription against budgets, and (`--live`)
against the quota Azure reports, as text or JSON."""

from __future__ import annotations

import json
from itertools import groupby
from typing import Any, Callable, TextIO

from foundry_estate.errors import Problem
from foundry_estate.validate.quota import Budget, LivePool, SharedUse, label
from foundry_estate.cli.report import problem_record
from foundry_estate.project.stacks import SUBSCRIPTION_KEY
from foundry_estate.words import plural

LIVE_NOTE = ("Azure's current values count the deployments that already exist, these stacks' own among them: "
             "for a stack already deployed, only its increase needs to be free.")


def _groups(uses: list[SharedUse]) -> list[tuple[SharedUse, list[SharedUse]]]:
    """The uses by subscription group, each with its first use (which names the group)."""
    grouped = [list(group) for _key, group in groupby(uses, key=lambda use: (use.subscription, use.stacks))]
    return [(group[0], group) for group in grouped]


def _header(use: SharedUse) -> str:
    if use.subscription:
        return f"{use.group()}: {'stacks' if len(use.stacks) > 1 else 'stack'} {', '.join(use.stacks)}"
    return f"{use.group()}: set {SUBSCRIPTION_KEY} in its Pulumi config to add it up with the stacks of its subscription"


def _budget(use: SharedUse) -> str:
    if use.limit is None:
        return "no budget"
    if not use.budgets_differ:
        return f"budget {use.limit}"
    return f"budget {use.limit} (the smallest of {', '.join(f'{b.stack} {b.limit}' for b in use.budgets)})"


def _headroom(use: SharedUse) -> str:
    if use.headroom is None:
        return ""
    return f", headroom {use.headroom}" if use.headroom >= 0 else f", over by {-use.headroom}"


def text(uses: list[SharedUse], problems: list[Problem], out: TextIO) -> None:
    groups = _groups(uses)
    for first, group in groups:
        print(_header(first), file=out)
        for use in group:
            users = ", ".join(str(c) for c in use.contributors) or "no deployment"
            print(f"  {label(use.key)}: {use.requested} requested, {_budget(use)}{_headroom(use)}: {users}", file=out)
    stacks = sum(len(first.stacks) for first, _group in groups)
    verdict = f"{plural(len(problems), 'budget')} passed" if problems else "every budget holds"
    print(f"{plural(stacks, 'stack')} in {plural(len(groups), 'subscription')}: {verdict}", file=out)


def as_json(uses: list[SharedUse], problems: list[Problem], out: TextIO) -> None:
    report = {
        "subscriptions": [{"subscription": first.subscription, "stacks": list(first.stacks),
                           "quotas": [_record(use) for use in group]} for first, group in _groups(uses)],
        "problems": [problem_record(p) for p in problems],
    }
    _dump(report, out)


def _record(use: SharedUse) -> dict[str, Any]:
    location, sku, model = use.key
    return {"location": location, "sku": sku, "model": model, "requested": use.requested, "limit": use.limit,
            "headroom": use.headroom, "budgets": [_budget_record(b) for b in use.budgets],
            "contributors": [{"stack": c.stack, "deployment": c.deployment, "capacity": c.capacity}
                             for c in use.contributors]}


def _budget_record(budget: Budget) -> dict[str, Any]:
    position = budget.position
    return {"stack": budget.stack, "limit": budget.limit, "file": position.file, "line": position.line,
            "column": position.column, "path": budget.path}


def live_text(subscription: str, stacks: list[str], pools: list[LivePool], out: TextIO) -> None:
    print(f"subscription {subscription}, quota free in Azure (limit - current value) against what "
          f"{plural(len(stacks), 'stack')} {', '.join(stacks)} request:", file=out)
    for pool in pools:
        users = "; ".join(f"{label(use.key)}: {', '.join(str(c) for c in use.contributors)}" for use in pool.uses)
        print(f"  {pool.location} {pool.usage_name or '(no usage name)'}: {pool.requested} requested, "
              f"{_live_verdict(pool)} ({users})", file=out)
    print(LIVE_NOTE, file=out)


def _live_verdict(pool: LivePool) -> str:
    if pool.usage_name is None:
        return f"the models list of {pool.location} does not offer this model in this SKU"
    if pool.usage is None:
        return f"not in the usages list of {pool.location}"
    usage = pool.usage
    free = f"{usage.free:g} free (limit {usage.limit:g} - current {usage.current:g})"
    return f"{free}: fits" if not pool.short else f"{free}: short by {pool.short:g}"


def live_json(subscription: str, stacks: list[str], pools: list[LivePool], out: TextIO) -> None:
    _dump({"subscription": subscription, "stacks": stacks, "note": LIVE_NOTE, "pools": [
        {"location": pool.location, "usageName": pool.usage_name, "requested": pool.requested,
         "limit": pool.usage.limit if pool.usage else None, "currentValue": pool.usage.current if pool.usage else None,
         "free": pool.usage.free if pool.usage else None, "short": pool.short,
         "quotas": [_record(use) for use in pool.uses]} for pool in pools]}, out)


def _dump(report: dict[str, Any], out: TextIO) -> None:
    json.dump(report, out, indent=2, sort_keys=True)
    out.write("\n")


REPORTERS: dict[str, Callable[[list[SharedUse], list[Problem], TextIO], None]] = {"text": text, "json": as_json}
LIVE_REPORTERS: dict[str, Callable[[str, list[str], list[LivePool], TextIO], None]] = {"text": live_text, "json": live_json}
