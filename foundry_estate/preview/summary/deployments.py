"""Model deployments in words: created with their quota, deleted, renamed (both exist for a
moment, so the quota counts both), pointed at another content filter (looser or not)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from foundry_estate.azure import describe
from foundry_estate.preview.diff import CREATE, DELETE, REPLACE, ResourceChange, StackDiff
from foundry_estate.preview.plan import PlannedResource
from foundry_estate.preview.summary.filters import blocklists_in, dropped_blocklists, filter_in, loosened
from foundry_estate.preview.summary.sentences import Context, Sentence, arrow, protect_sentences, words
from foundry_estate.validate.quota import SharedUse


def quota_of(diff: StackDiff, resource: PlannedResource | None) -> SharedUse | None:
    """The subscription's quota a deployment of the head draws on."""
    if diff.head is None or resource is None:
        return None
    contributor = f"{diff.head.account_label(resource.account)}/{resource.azure_name}"
    return next((q for q in diff.quotas if q.counts(diff.stack, contributor)), None)


def _capacity(resource: PlannedResource) -> int:
    capacity = (resource.inputs.get("sku") or {}).get("capacity")
    return capacity if isinstance(capacity, int) else 0


def renamed(change: ResourceChange) -> bool:
    return change.action == REPLACE and change.old is not None and change.new is not None and \
        change.old.azure_name != change.new.azure_name and describe.is_deployment(change.new.type, change.new.inputs)


@dataclass(frozen=True)
class RenamePeak:
    """A renamed deployment: `pulumi up` creates the new name before it deletes the old, so for
    a moment both hold capacity of the same quota."""

    change: ResourceChange
    use: SharedUse  # the head's use, which no longer counts the old name
    peak: int  # that use plus the old deployment's capacity

    @property
    def over(self) -> bool:
        return self.use.limit is not None and self.peak > self.use.limit

    def describe(self) -> str:
        budget = f" / {self.use.limit}" if self.use.limit is not None else ""
        return f"{self.peak}{budget} while both exist" + (" — over budget" if self.over else "")


def rename_peak(diff: StackDiff, change: ResourceChange) -> RenamePeak | None:
    old = change.old
    use = quota_of(diff, change.new) if renamed(change) else None
    if use is None or diff.base is None or old is None:
        return None
    contributor = f"{diff.base.account_label(old.account)}/{old.azure_name}"
    before = next((q for q in diff.base.quotas if contributor in q.deployments), None)
    if before is None or (before.location, before.sku, before.model) != tuple(use.key):
        return None  # the old deployment drew on another quota
    return RenamePeak(change, use, use.requested + _capacity(old))


def _quota(ctx: Context, change: ResourceChange) -> str:
    use = quota_of(ctx.diff, change.new)
    if use is None:
        return ""
    peak = rename_peak(ctx.diff, change)
    return f" ({use.describe()}" + (f"; {peak.describe()}" if peak else "") + ")"


def _filter_change(ctx: Context, change: ResourceChange, old: Any, new: Any) -> tuple[str, bool]:
    """`content filter strict → Microsoft.DefaultV2 (looser: prompt hate low → medium; blocklist
    banned-terms no longer applies to prompts and completions)`."""
    assert change.old is not None and change.new is not None and ctx.diff.base is not None and ctx.diff.head is not None
    base, head = (ctx.diff.base, change.old.account), (ctx.diff.head, change.new.account)
    looser = [", ".join(loosened(filter_in(*base, old), filter_in(*head, new)))]
    looser += dropped_blocklists(blocklists_in(*base, old), blocklists_in(*head, new))
    looser = [part for part in looser if part]
    return f"content filter {arrow(old, new)}" + (f" (looser: {'; '.join(looser)})" if looser else ""), bool(looser)


def _version_order(version: str) -> tuple[tuple[int, int | str], ...]:
    """`10` after `9`, `2025-11-13` after `2024-08-06`: numbers compared as numbers."""
    return tuple((0, int(part)) if part.isdigit() else (1, part.lower()) for part in re.findall(r"\d+|[^\W\d_]+", version))


def _downgrade(change: ResourceChange, old: Any, new: Any) -> bool:
    """A version older than the one deployed, of the same model."""
    same_model = all(c.path != "properties.model.name" for c in change.properties)
    return same_model and isinstance(old, str) and isinstance(new, str) and _version_order(new) < _version_order(old)


def deployment(ctx: Context, change: ResourceChange) -> list[Sentence]:
    old, new = change.old, change.new
    if change.action == CREATE:
        assert new is not None
        return [Sentence(ctx.subject(change, str(new.azure_name)),
                         f"new deployment: {describe.details(new.type, new.inputs)}{_quota(ctx, change)}")]
    if change.action == DELETE:
        assert old is not None
        return [Sentence(ctx.subject(change, str(old.azure_name)),
                         "deployment deleted: applications calling it will fail", destructive=True)]
    assert old is not None and new is not None
    subject = ctx.subject(change, str(old.azure_name))
    if renamed(change):
        model = next((f" (model {arrow(c.old, c.new)})" for c in change.properties if c.path.endswith("model.name")), "")
        return [Sentence(subject, f"deployment renamed to {new.azure_name}{model}: {new.azure_name} is created and "
                                  f"{old.azure_name} deleted; applications calling {old.azure_name} will fail"
                                  f"{_quota(ctx, change)}", destructive=True)]
    if change.action == REPLACE:
        reasons = "; ".join(f"{words(c.path)} {arrow(c.old, c.new)}" for c in change.properties
                            if c.path in change.replaced_because)
        return [Sentence(subject, f"deployment replaced ({reasons or 'what it lives in is replaced'}): it is deleted "
                                  f"and created again; calls fail until it is back", destructive=True)]
    parts, weakens = [], False
    quota_said = False
    for c in change.properties:
        if c.path == "options.protect":
            continue
        text = f"{words(c.path)} {arrow(c.old, c.new)}"
        if c.path in ("sku.capacity", "sku.name") and not quota_said:
            text += _quota(ctx, change)
            quota_said = True
        if c.path == "properties.versionUpgradeOption" and c.old == "NoAutoUpgrade":
            text += " (the model version is no longer pinned)"
            weakens = True
        if c.path == "properties.model.version" and _downgrade(change, c.old, c.new):
            text += " (a downgrade: to an older version of the model)"
        if c.path in ("properties.model.name", "properties.model.format"):
            text += " (in place: pulumi up updates the deployment under its name, it is not deleted)"
        if c.path == "properties.raiPolicyName":
            text, looser = _filter_change(ctx, change, c.old, c.new)
            weakens = weakens or looser
        parts.append(text)
    for text, weak in protect_sentences(change):
        parts.append(text)
        weakens = weakens or weak
    return [Sentence(subject, "; ".join(parts), weakens=weakens)]
