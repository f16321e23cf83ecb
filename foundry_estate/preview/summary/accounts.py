"""Accounts and hubs in words: what is lost when one is deleted or replaced, what opens up when
its posture changes, and what Azure's soft delete asks of a replacement under the same name."""

from __future__ import annotations

from foundry_estate.azure import describe
from foundry_estate.azure import resource_types as types
from foundry_estate.preview.diff import ABSENT, CREATE, DELETE, REPLACE, UPDATE, PropertyChange, ResourceChange
from foundry_estate.preview.plan import PlannedResource
from foundry_estate.preview.summary.sentences import (Context, Sentence, Sentences, arrow, lifecycle, protect_sentences,
                                                   refusal, titled, words)


def _account_commands(resource: PlannedResource) -> tuple[str, str]:
    """The az commands that purge a soft-deleted account for good, or restore it."""
    where = (f"--name {resource.azure_name} --resource-group {resource.inputs.get('resourceGroupName')} "
             f"--location {resource.inputs.get('location')}")
    return f"`az cognitiveservices account purge {where}`", f"`az cognitiveservices account recover {where}`"


def soft_delete(old: PlannedResource, new: PlannedResource | None) -> str:
    """What Azure's soft delete means for a deleted account: for 48 hours it keeps it (and the
    quota its deployments hold) and refuses a new account of that name until it is purged or
    restored (azure-foundry-facts: deletedAccounts)."""
    purge, recover = _account_commands(old)
    if new is not None and new.azure_name == old.azure_name:
        return (f" Azure keeps the deleted account soft-deleted for 48 hours and refuses a new account named "
                f"{old.azure_name} until it is purged or restored: run {purge} between the delete and the create "
                f"(its keys, deployments and data are gone for good), or give the new account another name; "
                f"{recover} brings the old one back instead.")
    return (f" Azure keeps it soft-deleted for 48 hours, holding its name and its deployments' quota: {purge} "
            f"releases both, {recover} brings it back.")


def account(ctx: Context, change: ResourceChange) -> list[Sentence]:
    old, new = change.old, change.new
    subject = ctx.subject(change)
    if change.action == CREATE:
        assert new is not None
        return [Sentence(subject, f"new account {new.azure_name} ({describe.details(new.type, new.inputs)})")]
    assert old is not None
    refused = refusal(old)
    if change.action == DELETE:
        return [Sentence(subject, f"account {old.azure_name} deleted with every deployment, project and key under it: "
                                  f"its endpoints stop answering.{refused}{soft_delete(old, None)}", destructive=True)]
    assert new is not None
    if change.action == REPLACE:
        reasons = "; ".join(f"{words(c.path)} {arrow(c.old, c.new)}" for c in change.properties
                            if c.path in change.replaced_because)
        return [Sentence(subject, f"account replaced ({reasons}): everything under it is created again and its "
                                  f"endpoint URLs change.{refused}{soft_delete(old, new)}", destructive=True)]
    parts: list[str] = []
    weakens = False
    for c in change.properties:
        if c.path == "options.protect":
            continue
        text, weak = _posture(c)
        parts.append(text)
        weakens = weakens or weak
    for text, weak in protect_sentences(change):
        parts.append(text)
        weakens = weakens or weak
    return [Sentence(subject, "; ".join(parts), weakens=weakens)]


def _posture(c: PropertyChange) -> tuple[str, bool]:
    """An account property change in words, and whether it opens the account up."""
    if c.path == "properties.disableLocalAuth":
        return (f"local (key) authentication {'off' if c.old else 'on'} → {'off' if c.new else 'on'}", c.new is False)
    if c.path == "properties.publicNetworkAccess":
        return f"public network access {arrow(c.old, c.new)}", c.new == "Enabled" or c.new is ABSENT
    if c.path == "properties.networkAcls.defaultAction":
        return f"network default action {arrow(c.old, c.new)}", c.new == "Allow" or c.new is ABSENT
    if c.path == "properties.networkAcls" or c.path.startswith("properties.networkAcls.ipRules["):
        return f"{c.path} {arrow(c.old, c.new)}", c.new is not ABSENT or c.path == "properties.networkAcls"
    if c.path == "identity.type":
        return f"managed identity {arrow(c.old, c.new)}", c.new == "None"
    return f"{words(c.path)} {arrow(c.old, c.new)}", False


_HUB_WORDS = {"publicNetworkAccess": "public network access", "managedNetwork.isolationMode": "managed network",
              "managedNetwork": "managed network", "identity.type": "managed identity"}


def workspace(ctx: Context, change: ResourceChange) -> list[Sentence]:
    """A hub reads like an account (what is lost, what opens up); a project by its endpoints."""
    if not describe.is_hub(change.resource.type, change.resource.inputs):
        return titled(types.BY_TOKEN[types.WORKSPACE])(ctx, change)
    refused = refusal(change.old) if change.old else ""
    subject, said = lifecycle(
        ctx, change, "new hub: {details}",
        f"hub deleted: its projects lose their hub and their endpoints stop answering.{refused}",
        f"hub replaced ({{why}}): its projects and their endpoints are created again.{refused}")
    if said:
        return said
    parts, weakens = [], False
    for c in change.properties:
        if c.path == "options.protect":
            continue
        parts.append(f"{_HUB_WORDS.get(c.path, c.path)} {arrow(c.old, c.new)}")
        weakens = weakens or (c.path == "publicNetworkAccess" and c.new != "Disabled") or \
            (c.path.startswith("managedNetwork") and c.new != "AllowOnlyApprovedOutbound")
    for text, weak in protect_sentences(change):
        parts.append(text)
        weakens = weakens or weak
    return [Sentence(subject, "; ".join(parts), weakens=weakens)]


def protected(ctx: Context, change: ResourceChange) -> list[Sentence]:
    """What the kit creates for a hub and protects with it: dropping protection weakens it."""
    r = change.resource
    if change.action != UPDATE:
        return titled(types.BY_TOKEN[r.type])(ctx, change)
    protect = protect_sentences(change)
    parts = [f"{words(c.path)} {arrow(c.old, c.new)}" for c in change.properties if c.path != "options.protect"]
    return [Sentence(ctx.subject(change, describe.title(r.type, r.inputs, r.name)),
                     "; ".join(parts + [text for text, _ in protect]), weakens=any(weak for _, weak in protect))]
