"""Content filters and blocklists in words: a filter's settings changed, a deployment pointed
at another filter (compared by the levels that take effect, category by category), blocklist
items added and removed."""

from __future__ import annotations

from typing import Any

from foundry_estate.azure import describe
from foundry_estate.azure import resource_types as types
from foundry_estate.azure.content_filters import AZURE_FILTER_NAMES, SOURCES, setting_of, strength
from foundry_estate.guardrails.facts import ContentFilterFacts
from foundry_estate.guardrails.from_engine import content_filter_facts
from foundry_estate.preview.diff import ABSENT, CREATE, DELETE, ResourceChange
from foundry_estate.preview.plan import Plan
from foundry_estate.preview.summary.sentences import Context, Sentence, arrow, words
from foundry_estate.words import plural

RAI_POLICY = types.RAI_POLICY
ITEM = types.BLOCKLIST_ITEM
_SHOWN_ITEMS = 5


def _filter_setting(entry: Any) -> str:
    return "not set (the base policy decides)" if entry is ABSENT else setting_of(entry)


def _looser(old: Any, new: Any) -> bool:
    if new is ABSENT:
        return old is not ABSENT
    if old is ABSENT:
        return False
    return strength(setting_of(new)) < strength(setting_of(old))


def _policy(plan: Plan, account: str | None, name: Any) -> dict[str, Any] | None:
    """The properties of the stack's content filter `name` in `account` (None: it has none, as for a built-in)."""
    policy = next((r for r in plan.resources
                   if r.type == RAI_POLICY and r.account == account and r.azure_name == name), None)
    return (policy.inputs.get("properties") or {}) if policy is not None else None


def filter_in(plan: Plan, account: str | None, name: Any) -> ContentFilterFacts | None:
    """The content filter `name` as it applies to a deployment of `account`: a built-in policy,
    or the stack's own with what it sets and the built-in policy it falls back on."""
    return content_filter_facts(name, _policy(plan, account, name))


def blocklists_in(plan: Plan, account: str | None, name: Any) -> set[tuple[str, str]]:
    """(blocklist, source) for every blocklist the content filter `name` applies (a built-in: none)."""
    return {(str(entry.get("blocklistName")), str(entry.get("source")).lower())
            for entry in (_policy(plan, account, name) or {}).get("customBlocklists") or []}


def dropped_blocklists(before: set[tuple[str, str]], after: set[tuple[str, str]]) -> list[str]:
    """`blocklist banned-terms no longer applies to prompts and completions`, for each blocklist
    the old filter applied on a source where the new one does not."""
    lost: dict[str, list[str]] = {}
    for blocklist, source in sorted(before - after, key=lambda entry: (entry[0], entry[1] != "prompt")):
        lost.setdefault(blocklist, []).append(f"{source}s")
    return [f"blocklist {name} no longer applies to {' and '.join(sources)}" for name, sources in sorted(lost.items())]


def loosened(old: ContentFilterFacts | None, new: ContentFilterFacts | None) -> list[str]:
    """`prompt hate low → medium`, for every category and source the new filter blocks less of."""
    found = []
    for source in SOURCES:
        for category in AZURE_FILTER_NAMES:
            before = old.effective(category, source)[0] if old else None
            after = new.effective(category, source)[0] if new else None
            if strength(after) < strength(before):
                found.append(f"{source} {category} {before} → {after or 'not set'}")
    return found


def governed(plan: Plan | None, name: str | None) -> list[str]:
    """`core/grok-4`: the deployments of the plan that name the content filter `name`."""
    if plan is None:
        return []
    return sorted(f"{plan.account_label(r.account)}/{r.azure_name}" for r in plan.resources
                  if describe.is_deployment(r.type, r.inputs)
                  and (r.inputs.get("properties") or {}).get("raiPolicyName") == name)


def policy(ctx: Context, change: ResourceChange) -> list[Sentence]:
    r = change.resource
    subject = f"{ctx.diff.stack} · content filter {r.azure_name}"
    account = (ctx.key(change),)
    if change.action == CREATE:
        return [Sentence(subject, f"created: {describe.details(r.type, r.inputs)}", accounts=account)]
    if change.action == DELETE:
        return [Sentence(subject, "deleted", destructive=True, accounts=account)]
    parts, weakens = [], False
    old_entries = {describe.filter_entry_label(e): e for e in (change.old.inputs if change.old else {})
                   .get("properties", {}).get("contentFilters", [])}
    new_entries = {describe.filter_entry_label(e): e for e in (change.new.inputs if change.new else {})
                   .get("properties", {}).get("contentFilters", [])}
    for label in sorted(set(old_entries) | set(new_entries)):
        before, after = old_entries.get(label, ABSENT), new_entries.get(label, ABSENT)
        if before != after:
            looser = _looser(before, after)
            parts.append(f"{label} {_filter_setting(before)} → {_filter_setting(after)}" + (" (looser)" if looser else ""))
            weakens = weakens or looser
    for c in change.properties:
        if c.path.startswith("properties.contentFilters["):
            continue
        if c.path.startswith("properties.customBlocklists["):
            name = str((c.new if c.new is not ABSENT else c.old).get("blocklistName"))
            source = str((c.new if c.new is not ABSENT else c.old).get("source")).lower()
            attached = c.new is not ABSENT
            parts.append(f"blocklist {name} {'attached to' if attached else 'detached from'} {source}s")
            weakens = weakens or not attached
        elif c.path == "properties.mode":
            parts.append(f"mode {arrow(c.old, c.new)}")
            weakens = weakens or c.new == "Asynchronous_filter"
        else:
            parts.append(f"{words(c.path)} {arrow(c.old, c.new)}")
    deployments = governed(ctx.diff.head, r.azure_name) if weakens else []
    if deployments:
        parts.append(f"it governs {', '.join(deployments)}")
    return [Sentence(subject, "; ".join(parts), weakens=weakens, destructive=change.destructive_itself, accounts=account)]


def blocklist(ctx: Context, change: ResourceChange) -> list[Sentence]:
    r = change.resource
    subject = f"{ctx.diff.stack} · blocklist {r.azure_name}"
    account = (ctx.key(change),)
    if change.action in (CREATE, DELETE):
        return [Sentence(subject, "created" if change.action == CREATE else "deleted",
                         destructive=change.destructive_itself, weakens=change.action == DELETE, accounts=account)]
    return [Sentence(subject, "; ".join(f"{words(c.path)} {arrow(c.old, c.new)}" for c in change.properties),
                     accounts=account)]


def items(ctx: Context, changes: list[ResourceChange]) -> list[Sentence]:
    """Blocklist items, one sentence per blocklist and account: what is added, what removed."""
    by_list: dict[tuple[str, str], dict[str, list[str]]] = {}
    for change in changes:
        r = change.resource
        entry = by_list.setdefault((str(r.inputs.get("raiBlocklistName")), ctx.key(change)), {CREATE: [], DELETE: []})
        if change.action in entry:
            entry[change.action].append(describe.details(r.type, r.inputs))
    sentences = []
    for (name, account), actions in sorted(by_list.items()):
        parts = []
        for action, verb in ((CREATE, "added"), (DELETE, "removed")):
            terms = sorted(actions[action])
            if terms:
                shown = ", ".join(terms[:_SHOWN_ITEMS]) + (f" and {len(terms) - _SHOWN_ITEMS} more" if len(terms) > _SHOWN_ITEMS else "")
                parts.append(f"{plural(len(terms), 'item')} {verb}: {shown}")
        sentences.append(Sentence(f"{ctx.diff.stack} · blocklist {name}", "; ".join(parts),
                                  weakens=bool(actions[DELETE]), destructive=bool(actions[DELETE]), accounts=(account,)))
    return sentences
