"""A diff in plain language, for the reviewer of a manifest pull request: what changes,
what breaks, whether quota allows it, and which changes weaken a guardrail (a filter
loosened, a network opened, protection removed), even when they are allowed.

One module per kind of resource: `deployments`, `accounts` (and hubs), `filters` (content
filters and blocklists), `endpoints` (of hub projects); `sentences` holds what they share, and
`by_type` registers, for every type of the type table, the sentences that speak for it.
"""

from __future__ import annotations

from dataclasses import replace

from foundry_estate.azure import describe
from foundry_estate.preview.diff import CREATE, DELETE, IMPORT, REPLACED_WITH, StackDiff
from foundry_estate.preview.plan import Plan
from foundry_estate.preview.summary.by_type import sentences_of
from foundry_estate.preview.summary.filters import ITEM, items
from foundry_estate.preview.summary.sentences import Context, Sentence, refused_in_place, value
from foundry_estate.words import plural

__all__ = ["Sentence", "summarize", "value", "removed_stack"]

def removed_stack(stack: str, base: Plan | None) -> str:
    """What removing a stack's files means: nothing in Azure changes, and what `pulumi destroy` then meets."""
    protected = sorted(f"{describe.title(r.type, r.inputs, r.name)}" for r in (base.resources if base else ()) if r.protect)
    text = (f"stack removed from the repository: nothing in Azure changes by this change, and its resources stay "
            f"until `pulumi destroy --stack {stack}` removes them")
    if protected:
        text += (f"; {plural(len(protected), 'protected resource')} ({', '.join(protected)}) refuse destruction until "
                 f"unprotected: run `pulumi state unprotect --all --stack {stack}` first")
    return text


def summarize(diff: StackDiff) -> list[Sentence]:
    ctx = Context(diff)
    if diff.unchanged:
        return []
    if diff.removed:
        return [Sentence(diff.stack, removed_stack(diff.stack, diff.base))]
    sentences: list[Sentence] = []
    adopted = [change for change in diff.changes if change.action == IMPORT]
    if diff.added and len(adopted) < len(diff.changes):
        sentences.append(Sentence(diff.stack, f"new stack: {plural(len(diff.changes) - len(adopted), 'resource')} to create"))
    for change in adopted:  # `foundry-kit:adopt`: Pulumi imports what Azure already has
        resource = change.resource
        sentences.append(Sentence(ctx.subject(change, describe.title(resource.type, resource.inputs, resource.name)),
                                  "adopted, nothing changes in Azure"))
    sentences += items(ctx, [c for c in diff.changes if c.resource.type == ITEM and c.action in (CREATE, DELETE)])
    for change in diff.changes:
        if change.action == IMPORT:
            continue
        if change.replaced_because == (REPLACED_WITH,) and not change.properties:
            continue  # the account's own sentence says everything under it is created again
        sentences += sentences_of(change.resource)(ctx, change)
        sentences += refused_in_place(ctx, change)
    return _merge_accounts(sentences)


def _merge_accounts(sentences: list[Sentence]) -> list[Sentence]:
    """The same change to every account's copy of a filter or blocklist: one sentence naming the accounts."""
    merged: dict[tuple[str, str, bool, bool, bool], Sentence] = {}
    for s in sentences:
        key = (s.subject, s.text, s.destructive, s.weakens, bool(s.accounts))
        if key in merged and s.accounts:
            merged[key] = replace(merged[key], accounts=tuple(sorted(set(merged[key].accounts) | set(s.accounts))))
        else:
            merged.setdefault(key, s)
    return sorted(merged.values(), key=lambda s: (not s.destructive, not s.weakens, s.subject))
