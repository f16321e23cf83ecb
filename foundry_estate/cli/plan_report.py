"""Plans for people (a tree in the spirit of `pulumi preview`) and for programs (JSON)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, TextIO

from foundry_estate.azure import describe
from foundry_estate.cli.cost_report import total_sentence
from foundry_estate.azure import resource_types as types
from foundry_estate.preview.adoption import IMPORT_THEN_UPDATE
from foundry_estate.preview.plan import Plan, PlannedResource, plan_document
from foundry_estate.words import plural

ITEM = types.BLOCKLIST_ITEM


def reading_order(resource: PlannedResource) -> tuple[int, str]:
    """An account's resources in the order of the type table; a Claude deployment with the deployments."""
    type_ = types.DEPLOYMENT if types.is_deployment(resource.type, resource.inputs) else resource.type
    return types.reading_rank(type_), resource.name


def line(resource: PlannedResource, plan: Plan, items: Counter[str]) -> str:
    """`deployment grok-3  (xAI grok-3 1 · GlobalStandard capacity 200 · ...)`."""
    title = describe.title(resource.type, resource.inputs, resource.name)
    facts = [describe.details(resource.type, resource.inputs)]
    if resource.type == types.ACCOUNT or describe.is_hub(resource.type, resource.inputs):
        title += f" [{plan.account_label(resource.account)}]"
    if resource.type == types.BLOCKLIST:
        facts.append(plural(items[resource.name], "item"))
    if resource.protect:
        facts.append("protected")
    shown = " · ".join(filter(None, facts))
    return f"{title}  ({shown})" if shown else title


def groups(plan: Plan) -> list[tuple[str | None, list[PlannedResource]]]:
    """Resources outside any account first, then each account with everything under it."""
    shown = sorted((r for r in plan.resources if r.type != ITEM), key=reading_order)
    accounts = sorted({r.account for r in shown if r.account}, key=lambda a: plan.account_label(a) or "")
    return [(None, [r for r in shown if r.account is None])] + [(a, [r for r in shown if r.account == a]) for a in accounts]


def _outputs(value: Any, prefix: str, out: TextIO) -> None:
    """Flattened; a collection of large objects (the deployments) prints its names only."""
    if isinstance(value, dict) and value and all(isinstance(v, dict) and len(v) > 3 for v in value.values()) and prefix.count(".") > 1:
        print(f"    {prefix}: {', '.join(sorted(value))}", file=out)
    elif isinstance(value, dict) and value:
        for key in sorted(value):
            _outputs(value[key], f"{prefix}.{key}" if prefix else key, out)
    else:
        print(f"    {prefix}: {value if isinstance(value, str) else json.dumps(value)}", file=out)


def _adopted_counts(plan: Plan, adopted: int) -> str:
    """How many imports change nothing and how many are followed by an update (Pulumi >= 3.174)."""
    if plan.snapshot is None:
        return (f"{adopted} to import (compared with Azure by the first `pulumi up`: run foundry-estate import to "
                "record what Azure holds and plan the difference)")
    updated = [r for r in plan.adoption.values() if r.differences]
    properties = sum(len(r.differences) for r in updated)
    said = f"{adopted - len(updated)} to import (nothing changes in Azure)"
    if updated:
        said += f", {len(updated)} to import, then update ({properties} {'property' if properties == 1 else 'properties'} change in Azure)"
    return said


def text(plans: list[Plan], out: TextIO) -> None:
    for plan in plans:
        items = Counter(r.name.rsplit("/", 1)[0] for r in plan.resources if r.type == ITEM)
        adopted = sum(1 for r in plan.resources if r.adopted)
        counts = plural(len(plan.resources) - adopted, 'resource') + " to create"
        if adopted:  # `foundry-kit:adopt`: Pulumi's import, as `pulumi preview` marks it (=)
            counts += ", " + _adopted_counts(plan, adopted)
        print(f"Stack {plan.stack} ({plan.manifest}): {counts} "
              f"(offline plan: Pulumi's mock engine, no cloud access)", file=out)
        for warning in plan.warnings:
            print(f"  {warning}", file=out)
        for account, resources in groups(plan):
            for resource in resources:
                nested = account is not None and resource.type != types.ACCOUNT \
                    and not describe.is_hub(resource.type, resource.inputs)
                indent = '      ' if nested else '  '
                result = plan.adoption.get(resource.urn)
                symbol = "+" if not resource.adopted else "~" if result and result.differences else "="
                print(f"{indent}{symbol} {line(resource, plan, items)}", file=out)
                for difference in result.differences if result else ():
                    print(f"{indent}    {IMPORT_THEN_UPDATE}: {difference}", file=out)
                if result and result.missing:
                    print(f"{indent}    not in Azure when adopted ({plan.snapshot}): the import fails "
                          "('resource does not exist'); delete it there? or run foundry-estate import again", file=out)
        if plan.quotas:
            print("  Quota (capacity requested / budget):", file=out)
            for quota in plan.quotas:
                budget = quota.limit if quota.limit is not None else "no budget"
                print(f"    {quota.label}: {quota.requested} / {budget}  ({', '.join(quota.deployments) or 'unused'})", file=out)
        if plan.core_quotas:
            print("  VM cores of managed online deployments (requested / budget):", file=out)
            for cores in plan.core_quotas:
                budget = cores.limit if cores.limit is not None else "no budget"
                print(f"    {cores.location} {cores.vm_family}: {cores.requested} / {budget}  "
                      f"({', '.join(cores.deployments) or 'unused'})", file=out)
        if plan.cost is not None:
            print(f"  Monthly cost at list price: {total_sentence(plan.cost)}; `foundry-estate cost` lists each line and "
                  "its price's source", file=out)
        print("  Outputs:", file=out)
        _outputs(plan.outputs, "", out)
        print(file=out)


def as_json(plans: list[Plan], out: TextIO) -> None:
    json.dump({"stacks": [plan_document(plan) for plan in plans]}, out, indent=2, sort_keys=True)
    out.write("\n")


REPORTERS = {"text": text, "json": as_json}
