"""Endpoints of hub projects in words: online endpoints (with their traffic split), their
deployments (with the VM cores they hold) and serverless endpoints."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from foundry_estate.azure import describe
from foundry_estate.azure import resource_types as types
from foundry_estate.preview.diff import ABSENT, CREATE, REPLACE, UPDATE, PropertyChange, ResourceChange
from foundry_estate.preview.summary.sentences import Context, Sentence, arrow, lifecycle, words


def _cores(ctx: Context, change: ResourceChange) -> str:
    """` (VM cores <family> in <location>: 48 / 96)` for a managed online deployment of the head."""
    head, resource = ctx.diff.head, change.new
    if head is None or resource is None:
        return ""
    hub, _, rest = resource.name.partition("/")
    contributor = f"{head.account_label(hub)}/{rest}"
    use = next((q for q in head.core_quotas if contributor in q.deployments), None)
    if use is None:
        return ""
    over = " — over budget" if use.limit is not None and use.requested > use.limit else ""
    return f" ({use.describe()}{over})"


def traffic_shift(changes: list[PropertyChange]) -> str:
    """`traffic blue 100 → 50, green 0 → 50`: a deployment without a share serves 0%."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for c in changes:
        name = c.path[len("properties.traffic."):]
        for side, value in ((before, c.old), (after, c.new)):
            if name and value is not ABSENT:
                side[name] = value
            elif not name and isinstance(value, dict):
                side.update(value)
    return "traffic " + ", ".join(f"{name} {before.get(name, 0)} → {after.get(name, 0)}"
                                  for name in sorted(set(before) | set(after)) if before.get(name, 0) != after.get(name, 0))


def _traffic_write(ctx: Context, change: ResourceChange) -> list[Sentence]:
    """The endpoint's second write, which sets the split once the deployments exist: only the
    split is its news (the endpoint's own sentence says the rest; deleting it deletes nothing)."""
    r = change.resource
    subject = ctx.subject(change, describe.title(r.type, r.inputs, r.name))
    if change.action == CREATE:
        split = (r.inputs.get("properties") or {}).get("traffic") or {}
        shares = ", ".join(f"{name} {share}" for name, share in sorted(split.items())) or "none"
        return [Sentence(subject, f"traffic {shares}, set once its deployments exist")]
    traffic = [c for c in change.properties if c.path == "properties.traffic" or c.path.startswith("properties.traffic.")]
    return [Sentence(subject, traffic_shift(traffic))] if change.action == UPDATE and traffic else []


def online_endpoint(ctx: Context, change: ResourceChange) -> list[Sentence]:
    if change.resource.name.endswith(types.TRAFFIC_WRITE):
        return _traffic_write(ctx, change)
    subject, said = lifecycle(
        ctx, change, "new online endpoint: {details}",
        "online endpoint deleted with its deployments: its scoring URI stops answering",
        "online endpoint replaced ({why}): it is deleted with its deployments and created again; calls fail until "
        "they are back")
    if said:
        return said
    traffic = [c for c in change.properties if c.path == "properties.traffic" or c.path.startswith("properties.traffic.")]
    parts = [traffic_shift(traffic)] if traffic else []
    weakens = False
    for c in change.properties:
        if c not in traffic and c.path != "options.protect":
            parts.append(f"{words(c.path)} {arrow(c.old, c.new)}")
            weakens = weakens or (c.path == "properties.publicNetworkAccess" and c.new != "Disabled")
    return [Sentence(subject, "; ".join(parts), weakens=weakens)]


_ONLINE_DEPLOYMENT_WORDS = {
    "sku.capacity": "instance count", "properties.model": "model", "properties.instanceType": "instance type",
    "properties.requestSettings.requestTimeout": "request timeout",
    "properties.requestSettings.maxConcurrentRequestsPerInstance": "concurrent requests per instance",
}


def online_deployment(ctx: Context, change: ResourceChange) -> list[Sentence]:
    subject, said = lifecycle(
        ctx, change, "new online deployment: {details}",
        "online deployment deleted: its VMs are released, and requests still routed to it fail",
        "online deployment replaced ({why}): it is deleted and created again; its share of traffic fails until it is back")
    resized = change.action in (CREATE, REPLACE) or any(c.path in ("sku.capacity", "properties.instanceType")
                                                        for c in change.properties)
    cores = _cores(ctx, change) if resized else ""
    if said:
        return [replace(s, text=s.text + cores) for s in said]
    return [Sentence(subject, "; ".join(f"{_ONLINE_DEPLOYMENT_WORDS.get(c.path, c.path)} {arrow(c.old, c.new)}"
                                        for c in change.properties) + cores)]


def serverless_endpoint(ctx: Context, change: ResourceChange) -> list[Sentence]:
    subject, said = lifecycle(
        ctx, change, "new serverless endpoint: {details}",
        "serverless endpoint deleted: applications calling its scoring URI fail",
        "serverless endpoint replaced ({why}): a new endpoint with new keys is created; calls fail until it is back")
    if said:
        return said
    parts, weakens = [], False
    for c in change.properties:
        if c.path == "properties.contentSafety.contentSafetyStatus":
            parts.append(f"content safety {arrow(c.old, c.new)}" +
                         (" (prompts and completions are no longer screened)" if c.new == "Disabled" else ""))
            weakens = weakens or c.new == "Disabled"
        else:
            parts.append(f"{words(c.path)} {arrow(c.old, c.new)}")
            weakens = weakens or (c.path == "properties.authMode" and c.new == "Key")
    return [Sentence(subject, "; ".join(parts), weakens=weakens)]
