"""Diffs for people (text, and markdown for a PR comment and the job summary) and for
programs (JSON). The summary comes first; the property-level detail follows."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, TextIO

from foundry_estate.azure import describe
from foundry_estate.preview.diff import (ABSENT, CREATE, DELETE, IMPORT, REPLACE, REPLACED_WITH, SYMBOLS, UPDATE, ResourceChange,
                                     StackDiff)
from foundry_estate.preview.summary import Sentence, summarize, value
from foundry_estate.cli import markdown as md
from foundry_estate.cli.cost_report import change_markdown_detail, change_markdown_summary, change_record, change_text
from foundry_estate.cli.plan_report import reading_order
from foundry_estate.cli.report import problem_record
from foundry_estate.errors import Problem, one_line
from foundry_estate.preview.cost_change import cost_change
from foundry_estate.words import inert_json, plural

_ACTIONS = (CREATE, IMPORT, UPDATE, REPLACE, DELETE)
_VERBS = {CREATE: "to create", IMPORT: "to import", UPDATE: "to update", REPLACE: "to replace", DELETE: "to delete"}
_DETAIL_LIMIT = 200  # resources listed in detail per stack; the JSON has them all


def counts(diff: StackDiff) -> str:
    if diff.unchanged:
        return "no changes (its manifest, config, guardrails and program are identical: not planned)"
    if diff.removed:
        return "stack removed (nothing in Azure changes)"
    tally = Counter(change.action for change in diff.changes)
    counted = ", ".join(f"{tally[a]} {_VERBS[a]}" for a in _ACTIONS if tally[a])
    if diff.kit_unknown:  # never "no changes": the base's kit could not be had (the report's first line)
        return f"{counted or 'no changes'} from its manifest; what the kit change does is not known"
    return counted or "no changes"


def _ordered(diff: StackDiff) -> list[ResourceChange]:
    return sorted(diff.changes, key=lambda c: (c.resource.account or "", reading_order(c.resource)))


def _heading(change: ResourceChange) -> str:
    r = change.resource
    title = describe.title(r.type, r.inputs, r.name)
    if change.action == REPLACE and change.old and change.new and change.old.name != change.new.name:
        title += f" (was {describe.title(change.old.type, change.old.inputs, change.old.name)})"
    return f"{SYMBOLS[change.action]} {title}  [{r.name}]"


def _detail(change: ResourceChange) -> list[str]:
    lines = [_heading(change)]
    for p in change.properties:
        forced = "  (forces replacement)" if p.path in change.replaced_because else ""
        lines.append(f"    {p.path}: {value(p.old)} → {value(p.new)}{forced}")
    if REPLACED_WITH in change.replaced_because:
        lines.append("    (replaced with its account)")
    return lines


def _warnings(diff: StackDiff) -> list[tuple[bool, Problem]]:
    """What validation warns about in the changed manifest (a quota nothing uses now, an
    advisory guardrail, a model retiring soon); one the base does not have today is marked new."""
    if not diff.head or not (diff.changes or diff.base is None):
        return []
    before = {(w.path, w.message) for w in diff.base.warnings} if diff.base else set()
    return [((w.path, w.message) not in before, w) for w in diff.head.warnings]


def _marks(sentence: Sentence) -> str:
    return ("⚠️ " if sentence.destructive else "") + ("🔓 " if sentence.weakens else "")


def text(diffs: list[StackDiff], base: str, out: TextIO) -> None:
    def say(line: str = "") -> None:
        print(one_line(line), file=out)  # a value never starts a line of its own

    for diff in diffs:
        say(f"Stack {diff.stack}: {counts(diff)} (against {base})")
        change_text(cost_change(diff), out)
        for sentence in summarize(diff):
            flags = [word for word, on in (("destructive", sentence.destructive), ("weakens a guardrail", sentence.weakens)) if on]
            say(f"  {sentence}" + (f"  [{', '.join(flags)}]" if flags else ""))
        for new, warning in _warnings(diff):
            say(f"  {'(new) ' if new else ''}{warning}")
        for change in _ordered(diff)[:_DETAIL_LIMIT]:
            for line in _detail(change):
                say(f"    {line}")
        say()


def markdown(diffs: list[StackDiff], base: str, out: TextIO) -> None:
    """For a PR comment: every value from a manifest is escaped (`cli/markdown.py`), so none
    becomes HTML, a link or a mention there."""
    changed = [d for d in diffs if d.changed]
    print(f"## foundry-estate diff against {md.code(base)}\n", file=out)
    if not changed:
        print("No changes to any stack: nothing in Azure changes.", file=out)
        return
    change_markdown_summary([cost_change(diff) for diff in changed], out)
    print("| stack | changes | destructive | weakens a guardrail |\n|---|---|---|---|", file=out)
    for diff in diffs:
        sentences = summarize(diff)
        print(f"| {md.text(diff.stack)} | {md.text(counts(diff))} | {'⚠️ yes' if diff.destructive else 'no'} | "
              f"{'🔓 yes' if any(s.weakens for s in sentences) else 'no'} |", file=out)
    for diff in changed:
        print(f"\n### {md.text(diff.stack)}\n", file=out)
        for sentence in summarize(diff):
            accounts = f" ({md.text(', '.join(sentence.accounts))})" if sentence.accounts else ""
            print(f"- {_marks(sentence)}**{md.text(sentence.subject)}**{accounts}: {md.text(sentence.text)}", file=out)
        for new, warning in _warnings(diff):
            print(f"- ℹ️ {'**new** ' if new else ''}{md.code(str(warning))}", file=out)
        change_markdown_detail(cost_change(diff), out)
        ordered = _ordered(diff)
        if ordered:
            lines = [one_line(line) for change in ordered[:_DETAIL_LIMIT] for line in _detail(change)]
            if len(ordered) > _DETAIL_LIMIT:
                lines.append(f"... and {len(ordered) - _DETAIL_LIMIT} more (foundry-estate diff --format json lists them all)")
            fence = md.fence(lines)
            print(f"\n<details><summary>{plural(len(ordered), 'resource')} in detail</summary>\n\n{fence}diff", file=out)
            print("\n".join(lines), file=out)
            print(f"{fence}\n</details>", file=out)
    print("\n⚠️ destructive (a delete or replacement) · 🔓 weakens a guardrail · "
          "offline plan under Pulumi's mock engine; `pulumi preview` against Azure is the final word", file=out)


def _json_value(v: Any) -> Any:
    return None if v is ABSENT else v


def as_json(diffs: list[StackDiff], base: str, out: TextIO) -> None:
    document = {
        "base": base,
        "changed": any(d.changed for d in diffs),
        "destructive": any(d.destructive for d in diffs),
        "stacks": [{
            "stack": diff.stack,
            "status": diff.status,
            "counts": {a: sum(1 for c in diff.changes if c.action == a) for a in _ACTIONS},
            **change_record(cost_change(diff)),
            "summary": [{"subject": s.subject, "accounts": list(s.accounts), "text": s.text,
                         "destructive": s.destructive, "weakens": s.weakens} for s in summarize(diff)],
            "warnings": [{**problem_record(w), "new": new} for new, w in _warnings(diff)],
            "changes": [{
                "action": c.action, "type": c.resource.type, "urn": c.resource.urn,
                "oldUrn": c.old.urn if c.old else None, "azureName": c.resource.azure_name,
                "account": c.resource.account, "replacedBecause": list(c.replaced_because),
                "properties": [{"path": p.path, "old": _json_value(p.old), "new": _json_value(p.new)} for p in c.properties],
            } for c in sorted(diff.changes, key=lambda c: c.resource.urn)],
        } for diff in diffs],
    }
    out.write(inert_json(json.dumps(document, indent=2, sort_keys=True)) + "\n")


REPORTERS = {"text": text, "markdown": markdown, "json": as_json}
