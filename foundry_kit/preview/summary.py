"""A diff in plain language, for the reviewer of a manifest pull request: what changes,
what breaks, whether quota allows it, and which changes weaken a guardrail (a filter
loosened, a network opened, protection removed), even when they are allowed."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any, Callable

from foundry_kit.azure import describe
from foundry_kit.azure.content_filters import setting_of, strength
from foundry_kit.preview.diff import ABSENT, CREATE, DELETE, REPLACE, REPLACED_WITH, UPDATE, PropertyChange, ResourceChange, StackDiff
from foundry_kit.preview.plan import Plan, PlannedResource
from foundry_kit.words import plural

_ITEM = "azure-native:cognitiveservices:RaiBlocklistItem"
_SHOWN_ITEMS = 5


@dataclass(frozen=True)
class Sentence:
    subject: str
    text: str
    destructive: bool = False
    weakens: bool = False
    accounts: tuple[str, ...] = ()  # for what every account has its own copy of (filters, blocklists)

    def __str__(self) -> str:
        shared = f" ({', '.join(self.accounts)})" if self.accounts else ""
        return f"{self.subject}{shared}: {self.text}"


def value(v: Any) -> str:
    if v is ABSENT or v is None:
        return "none"
    return v if isinstance(v, str) else json.dumps(v, sort_keys=True)


def _arrow(old: Any, new: Any) -> str:
    return f"{value(old)} → {value(new)}"


class _Context:
    """What sentences about one stack need: its plans and its name."""

    def __init__(self, diff: StackDiff):
        self.diff = diff

    def plan_of(self, change: ResourceChange) -> Plan:
        plan = self.diff.head if change.new is not None else self.diff.base
        assert plan is not None
        return plan

    def key(self, change: ResourceChange, resource: PlannedResource | None = None) -> str:
        resource = resource or change.resource
        return self.plan_of(change).account_label(resource.account) or ""

    def subject(self, change: ResourceChange, *parts: str) -> str:
        return " · ".join((self.diff.stack, self.key(change), *parts))

    def quota(self, change: ResourceChange) -> str:
        head, resource = self.diff.head, change.new
        if head is None or resource is None:
            return ""
        contributor = f"{self.key(change, resource)}/{resource.azure_name}"
        use = next((q for q in self.diff.quotas if q.counts(self.diff.stack, contributor)), None)
        return f" ({use.describe()})" if use else ""


def _cores(ctx: _Context, change: ResourceChange) -> str:
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


def _generic(ctx: _Context, change: ResourceChange) -> list[Sentence]:
    r = change.resource
    subject = ctx.subject(change, describe.title(r.type, r.inputs, r.name)) if r.account else \
        f"{ctx.diff.stack} · {describe.title(r.type, r.inputs, r.name)}"
    if change.action == CREATE:
        return [Sentence(subject, "created")]
    if change.action == DELETE:
        return [Sentence(subject, "deleted", destructive=True)]
    parts = "; ".join(f"{c.path} {_arrow(c.old, c.new)}" for c in change.properties)
    if change.action == REPLACE:
        return [Sentence(subject, f"replaced ({parts})", destructive=True)]
    return [Sentence(subject, parts)]


def _protect(change: ResourceChange) -> list[tuple[str, bool]]:
    return [("deletion protection removed" if c.new is False else "deletion protection on", c.new is False)
            for c in change.properties if c.path == "options.protect"]


def _deployment(ctx: _Context, change: ResourceChange) -> list[Sentence]:
    old, new = change.old, change.new
    if change.action == CREATE:
        assert new is not None
        return [Sentence(ctx.subject(change, str(new.azure_name)),
                         f"new deployment: {describe.details(new.type, new.inputs)}{ctx.quota(change)}")]
    if change.action == DELETE:
        assert old is not None
        return [Sentence(ctx.subject(change, str(old.azure_name)),
                         "deployment deleted: applications calling it will fail", destructive=True)]
    assert old is not None and new is not None
    subject = ctx.subject(change, str(old.azure_name))
    if change.action == REPLACE and old.azure_name != new.azure_name:
        model = next((f" (model {_arrow(c.old, c.new)})" for c in change.properties if c.path.endswith("model.name")), "")
        return [Sentence(subject, f"deployment renamed to {new.azure_name}{model}: {new.azure_name} is created and "
                                  f"{old.azure_name} deleted; applications calling {old.azure_name} will fail"
                                  f"{ctx.quota(change)}", destructive=True)]
    if change.action == REPLACE:
        why = "; ".join(f"{_words(c.path)} {_arrow(c.old, c.new)}" for c in change.properties
                        if c.path in change.replaced_because)
        return [Sentence(subject, f"deployment replaced ({why}): Azure cannot change the model of a deployment, so it "
                                  f"is deleted and created again; calls fail until it is back", destructive=True)]
    parts, weakens = [], False
    quota_said = False
    for c in change.properties:
        text = f"{_words(c.path)} {_arrow(c.old, c.new)}"
        if c.path in ("sku.capacity", "sku.name") and not quota_said:
            text += ctx.quota(change)
            quota_said = True
        if c.path == "properties.versionUpgradeOption" and c.old == "NoAutoUpgrade":
            text += " (the model version is no longer pinned)"
            weakens = True
        parts.append(text)
    for text, weak in _protect(change):
        parts.append(text)
        weakens = weakens or weak
    return [Sentence(subject, "; ".join(p for p in parts if not p.startswith("options.protect")), weakens=weakens)]


_WORDS = {
    "sku.capacity": "capacity", "sku.name": "SKU", "properties.model.version": "model version",
    "properties.model.name": "model", "properties.model.format": "model format",
    "properties.raiPolicyName": "content filter", "properties.versionUpgradeOption": "version upgrade",
    "properties.spilloverDeploymentName": "spillover to", "properties.publicNetworkAccess": "public network access",
    "properties.networkAcls.defaultAction": "network default action", "identity.type": "managed identity",
    "properties.customSubDomainName": "custom subdomain", "location": "location", "kind": "kind",
    "sku": "SKU", "properties.displayName": "display name", "workspaceId": "Log Analytics workspace",
    "properties.instanceType": "instance type",
    "properties.modelProviderData.organizationName": "provider data organization",
    "properties.modelProviderData.countryCode": "provider data country",
    "properties.modelProviderData.industry": "provider data industry", "apiVersion": "API version",
}


def _words(path: str) -> str:
    return _WORDS.get(path, path)


def _account(ctx: _Context, change: ResourceChange) -> list[Sentence]:
    old, new = change.old, change.new
    subject = ctx.subject(change)
    if change.action == CREATE:
        assert new is not None
        return [Sentence(subject, f"new account {new.azure_name} ({describe.details(new.type, new.inputs)})")]
    assert old is not None
    refusal = _refusal(old)
    if change.action == DELETE:
        return [Sentence(subject, f"account {old.azure_name} deleted with every deployment, project and key under it: "
                                  f"its endpoints stop answering.{refusal}", destructive=True)]
    assert new is not None
    if change.action == REPLACE:
        why = "; ".join(f"{_words(c.path)} {_arrow(c.old, c.new)}" for c in change.properties
                        if c.path in change.replaced_because)
        return [Sentence(subject, f"account replaced ({why}): everything under it is created again and its endpoint "
                                  f"URLs change.{refusal}", destructive=True)]
    parts: list[str] = []
    weakens = False
    for c in change.properties:
        if c.path == "options.protect":
            continue
        text, weak = _posture(c)
        parts.append(text)
        weakens = weakens or weak
    for text, weak in _protect(change):
        parts.append(text)
        weakens = weakens or weak
    return [Sentence(subject, "; ".join(parts), weakens=weakens)]


def _posture(c: PropertyChange) -> tuple[str, bool]:
    """An account property change in words, and whether it opens the account up."""
    if c.path == "properties.disableLocalAuth":
        return (f"local (key) authentication {'off' if c.old else 'on'} → {'off' if c.new else 'on'}", c.new is False)
    if c.path == "properties.publicNetworkAccess":
        return f"public network access {_arrow(c.old, c.new)}", c.new == "Enabled" or c.new is ABSENT
    if c.path == "properties.networkAcls.defaultAction":
        return f"network default action {_arrow(c.old, c.new)}", c.new == "Allow" or c.new is ABSENT
    if c.path == "properties.networkAcls" or c.path.startswith("properties.networkAcls.ipRules["):
        return f"{c.path} {_arrow(c.old, c.new)}", c.new is not ABSENT or c.path == "properties.networkAcls"
    if c.path == "identity.type":
        return f"managed identity {_arrow(c.old, c.new)}", c.new == "None"
    return f"{_words(c.path)} {_arrow(c.old, c.new)}", False


def _filter_setting(entry: Any) -> str:
    return "not set (the base policy decides)" if entry is ABSENT else setting_of(entry)


def _looser(old: Any, new: Any) -> bool:
    if new is ABSENT:
        return old is not ABSENT
    if old is ABSENT:
        return False
    return strength(setting_of(new)) < strength(setting_of(old))


def _policy(ctx: _Context, change: ResourceChange) -> list[Sentence]:
    r = change.resource
    subject = f"{ctx.diff.stack} · content filter {r.azure_name}"
    account = (ctx.key(change),)
    if change.action == CREATE:
        return [Sentence(subject, "created", accounts=account)]
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
            parts.append(f"mode {_arrow(c.old, c.new)}")
            weakens = weakens or c.new == "Asynchronous_filter"
        else:
            parts.append(f"{_words(c.path)} {_arrow(c.old, c.new)}")
    return [Sentence(subject, "; ".join(parts), weakens=weakens, destructive=change.destructive_itself, accounts=account)]


def _blocklist(ctx: _Context, change: ResourceChange) -> list[Sentence]:
    r = change.resource
    subject = f"{ctx.diff.stack} · blocklist {r.azure_name}"
    account = (ctx.key(change),)
    if change.action in (CREATE, DELETE):
        return [Sentence(subject, "created" if change.action == CREATE else "deleted",
                         destructive=change.destructive_itself, weakens=change.action == DELETE, accounts=account)]
    return [Sentence(subject, "; ".join(f"{_words(c.path)} {_arrow(c.old, c.new)}" for c in change.properties),
                     accounts=account)]


def _items(ctx: _Context, changes: list[ResourceChange]) -> list[Sentence]:
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


def _titled(created: str, deleted: str, deleted_weakens: bool = False) -> Callable[[_Context, ResourceChange], list[Sentence]]:
    """Sentences for a resource known by its title: what creating and deleting it means."""
    def sentences(ctx: _Context, change: ResourceChange) -> list[Sentence]:
        r = change.resource
        subject = ctx.subject(change, describe.title(r.type, r.inputs, r.name))
        if change.action == CREATE:
            return [Sentence(subject, created)]
        if change.action == DELETE:
            return [Sentence(subject, deleted, destructive=True, weakens=deleted_weakens)]
        return _generic(ctx, change)
    return sentences


def _refusal(resource: PlannedResource) -> str:
    return (" It is protected: pulumi up refuses until a change setting `protect: false` is deployed first."
            if resource.protect else "")


def _why(change: ResourceChange) -> str:
    """The changes that force a replacement, in words."""
    return "; ".join(f"{_words(c.path)} {_arrow(c.old, c.new)}" for c in change.properties
                     if c.path in change.replaced_because) or "what it lives in is replaced"


def _lifecycle(ctx: _Context, change: ResourceChange, created: str, deleted: str,
               replaced: str) -> tuple[str, list[Sentence]]:
    """The subject, and the sentence of a create, delete or replacement (none for an update)."""
    r = change.resource
    subject = ctx.subject(change, describe.title(r.type, r.inputs, r.name))
    if change.action == CREATE:
        return subject, [Sentence(subject, created.format(details=describe.details(r.type, r.inputs)))]
    if change.action == DELETE:
        return subject, [Sentence(subject, deleted, destructive=True)]
    if change.action == REPLACE:
        return subject, [Sentence(subject, replaced.format(why=_why(change)), destructive=True)]
    return subject, []


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


def _online_endpoint(ctx: _Context, change: ResourceChange) -> list[Sentence]:
    subject, said = _lifecycle(
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
            parts.append(f"{_words(c.path)} {_arrow(c.old, c.new)}")
            weakens = weakens or (c.path == "properties.publicNetworkAccess" and c.new != "Disabled")
    return [Sentence(subject, "; ".join(parts), weakens=weakens)]


_ONLINE_DEPLOYMENT_WORDS = {
    "sku.capacity": "instance count", "properties.model": "model", "properties.instanceType": "instance type",
    "properties.requestSettings.requestTimeout": "request timeout",
    "properties.requestSettings.maxConcurrentRequestsPerInstance": "concurrent requests per instance",
}


def _online_deployment(ctx: _Context, change: ResourceChange) -> list[Sentence]:
    subject, said = _lifecycle(
        ctx, change, "new online deployment: {details}",
        "online deployment deleted: its VMs are released, and requests still routed to it fail",
        "online deployment replaced ({why}): it is deleted and created again; its share of traffic fails until it is back")
    resized = change.action in (CREATE, REPLACE) or any(c.path in ("sku.capacity", "properties.instanceType")
                                                        for c in change.properties)
    cores = _cores(ctx, change) if resized else ""
    if said:
        return [replace(s, text=s.text + cores) for s in said]
    return [Sentence(subject, "; ".join(f"{_ONLINE_DEPLOYMENT_WORDS.get(c.path, c.path)} {_arrow(c.old, c.new)}"
                                        for c in change.properties) + cores)]


def _serverless_endpoint(ctx: _Context, change: ResourceChange) -> list[Sentence]:
    subject, said = _lifecycle(
        ctx, change, "new serverless endpoint: {details}",
        "serverless endpoint deleted: applications calling its scoring URI fail",
        "serverless endpoint replaced ({why}): a new endpoint with new keys is created; calls fail until it is back")
    if said:
        return said
    parts, weakens = [], False
    for c in change.properties:
        if c.path == "properties.contentSafety.contentSafetyStatus":
            parts.append(f"content safety {_arrow(c.old, c.new)}" +
                         (" (prompts and completions are no longer screened)" if c.new == "Disabled" else ""))
            weakens = weakens or c.new == "Disabled"
        else:
            parts.append(f"{_words(c.path)} {_arrow(c.old, c.new)}")
            weakens = weakens or (c.path == "properties.authMode" and c.new == "Key")
    return [Sentence(subject, "; ".join(parts), weakens=weakens)]


_HUB_WORDS = {"publicNetworkAccess": "public network access", "managedNetwork.isolationMode": "managed network",
              "managedNetwork": "managed network", "identity.type": "managed identity"}


def _workspace(ctx: _Context, change: ResourceChange) -> list[Sentence]:
    """A hub reads like an account (what is lost, what opens up); a project by its endpoints."""
    if not describe.is_hub(change.resource.type, change.resource.inputs):
        return _titled("created", "deleted with its endpoints: their scoring URIs stop answering")(ctx, change)
    refusal = _refusal(change.old) if change.old else ""
    subject, said = _lifecycle(
        ctx, change, "new hub: {details}",
        f"hub deleted: its projects lose their hub and their endpoints stop answering.{refusal}",
        f"hub replaced ({{why}}): its projects and their endpoints are created again.{refusal}")
    if said:
        return said
    parts, weakens = [], False
    for c in change.properties:
        if c.path == "options.protect":
            continue
        parts.append(f"{_HUB_WORDS.get(c.path, c.path)} {_arrow(c.old, c.new)}")
        weakens = weakens or (c.path == "publicNetworkAccess" and c.new != "Disabled") or \
            (c.path.startswith("managedNetwork") and c.new != "AllowOnlyApprovedOutbound")
    for text, weak in _protect(change):
        parts.append(text)
        weakens = weakens or weak
    return [Sentence(subject, "; ".join(parts), weakens=weakens)]


def _protected(deleted: str) -> Callable[[_Context, ResourceChange], list[Sentence]]:
    """What the kit creates for a hub and protects with it: dropping protection weakens it."""
    titled = _titled("created", deleted)

    def sentences(ctx: _Context, change: ResourceChange) -> list[Sentence]:
        if change.action != UPDATE:
            return titled(ctx, change)
        r = change.resource
        protect = _protect(change)
        parts = [f"{_words(c.path)} {_arrow(c.old, c.new)}" for c in change.properties if c.path != "options.protect"]
        return [Sentence(ctx.subject(change, describe.title(r.type, r.inputs, r.name)),
                         "; ".join(parts + [text for text, _ in protect]), weakens=any(weak for _, weak in protect))]
    return sentences


_SENTENCES: dict[str, Callable[[_Context, ResourceChange], list[Sentence]]] = {
    "azure-native:cognitiveservices:Account": _account,
    "azure-native:cognitiveservices:RaiPolicy": _policy,
    "azure-native:cognitiveservices:RaiBlocklist": _blocklist,
    "azure-native:cognitiveservices:Project": _titled("created", "deleted: its endpoint, agents and files are gone"),
    "azure-native:network:PrivateEndpoint": _titled("created", "deleted: clients on that network lose private access",
                                                    deleted_weakens=True),
    "azure-native:network:PrivateDnsZoneGroup": _titled("DNS records created", "DNS records deleted: private names stop "
                                                        "resolving", deleted_weakens=True),
    "azure-native:monitor:DiagnosticSetting": _titled("logs and metrics flow to the workspace",
                                                      "deleted: logs and metrics stop flowing", deleted_weakens=True),
    "azure-native:authorization:RoleAssignment": _titled("granted", "revoked: that principal loses access"),
    "azure-native:machinelearningservices:Workspace": _workspace,
    "azure-native:machinelearningservices:OnlineEndpoint": _online_endpoint,
    "azure-native:machinelearningservices:OnlineDeployment": _online_deployment,
    "azure-native:machinelearningservices:ServerlessEndpoint": _serverless_endpoint,
    "azure-native:machinelearningservices:MarketplaceSubscription": _titled(
        "the project subscribes to the model's Marketplace offer", "deleted: the project's subscription to the model's "
        "offer ends"),
    "azure-native:storage:StorageAccount": _protected("deleted: the hub's data in it is lost"),
    "azure-native:keyvault:Vault": _protected("deleted: the hub's secrets in it are lost (it stays recoverable "
                                              "until purge protection lets go)"),
}


def _sentences_of(resource: PlannedResource) -> Callable[[_Context, ResourceChange], list[Sentence]]:
    """By type; a generic resource written to accounts/deployments (Anthropic models) reads as a deployment."""
    if describe.is_deployment(resource.type, resource.inputs):
        return _deployment
    return _SENTENCES.get(resource.type, _generic)


def summarize(diff: StackDiff) -> list[Sentence]:
    ctx = _Context(diff)
    if diff.head is None:
        return [Sentence(diff.stack, f"stack removed from the repository: nothing in Azure is deleted by this change; "
                                     f"`pulumi destroy --stack {diff.stack}` removes its resources")]
    sentences: list[Sentence] = []
    if diff.base is None:
        sentences.append(Sentence(diff.stack, f"new stack: {plural(len(diff.changes), 'resource')} to create"))
    sentences += _items(ctx, [c for c in diff.changes if c.resource.type == _ITEM and c.action in (CREATE, DELETE)])
    for change in diff.changes:
        if change.replaced_because == (REPLACED_WITH,) and not change.properties:
            continue  # the account's own sentence says everything under it is created again
        if change.resource.type != _ITEM:
            sentences += _sentences_of(change.resource)(ctx, change)
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
