"""Drift: what Azure has against what a stack's manifest declares, in the diff's plain language.

The live estate (`estate.py`) is read into the manifest's vocabulary (`to_manifest.py`) and run
through the same program under the mock engine, so both sides are the inputs the kit would send,
under the same URNs (logical names come from Azure names only). The two are compared with the
diff's property comparison (`preview/diff.py`) and each difference is said once: a capacity, SKU or
model version that differs (a version that moved while auto-upgrade is on is called an
auto-upgrade), a content-filter level or blocklist term, a deployment, filter, blocklist or
project that exists on one side only.

Compared: accounts and what the live layer reads under them (deployments, content filters,
blocklists and their items, projects). Not compared: role assignments, diagnostic settings,
private endpoints, hubs (the live layer does not read them yet) and Anthropic deployments (Azure
does not return their `modelProviderData`; they are compared for presence only).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from foundry_estate.azure import describe
from foundry_estate.azure.content_filters import FILTER_WORDS, setting_of
from foundry_estate.live.estate import LiveEstate
from foundry_estate.live.to_manifest import Imported, to_manifest
from foundry_estate.manifest.model import build
from foundry_estate.preview.diff import ABSENT, property_changes
from foundry_estate.preview.engine import run_function
from foundry_estate.preview.plan import Plan, PlannedResource, planned_resources
from foundry_estate.preview.summary import value
from foundry_estate.preview.summary.sentences import words

ACCOUNT = "azure-native:cognitiveservices:Account"
POLICY = "azure-native:cognitiveservices:RaiPolicy"
BLOCKLIST = "azure-native:cognitiveservices:RaiBlocklist"
ITEM = "azure-native:cognitiveservices:RaiBlocklistItem"
PROJECT = "azure-native:cognitiveservices:Project"
COMPARED = (ACCOUNT, "azure-native:cognitiveservices:Deployment", "azure-native:resources:Resource", POLICY, BLOCKLIST,
            ITEM, PROJECT)
# Inputs that only place a resource (its URN already matches) or that the provider fills in.
_PLACEMENT = ("resourceGroupName", "accountName")
CHANGED, AZURE_ONLY, MANIFEST_ONLY = "changed", "azure-only", "manifest-only"


@dataclass(frozen=True)
class Drift:
    kind: str  # changed | azure-only | manifest-only
    subject: str  # `stack · account key · deployment grok`
    text: str
    resource_id: str  # the Azure resource id (or what names it)
    path: str = ""
    azure: Any = None
    manifest: Any = None

    def __str__(self) -> str:
        return f"{self.subject}: {self.text}"


@dataclass(frozen=True)
class DriftReport:
    stack: str
    subscription: str
    resource_group: str
    drifts: tuple[Drift, ...]
    notes: tuple[str, ...]  # what the live side could not say in the manifest's words


def live_resources(estate: LiveEstate, stack: str, config: dict[str, str], project: Any) -> tuple[Imported, tuple[PlannedResource, ...]]:
    """The estate as the inputs the kit's program would declare for it, under the stack's URNs."""
    from foundry_estate.components import provision

    imported = to_manifest(estate)
    manifest = build(imported.data)
    graph = run_function(lambda: provision(manifest), stack, config, preview=True, project=project)
    return imported, planned_resources(graph)


def drift(plan: Plan, estate: LiveEstate, imported: Imported, live: tuple[PlannedResource, ...]) -> DriftReport:
    declared = {r.urn: r for r in plan.resources if r.type in COMPARED}
    found = {r.urn: r for r in live if r.type in COMPARED}
    ids = _ids(estate)
    drifts: list[Drift] = []
    for urn in sorted(set(declared) | set(found), key=lambda u: _order(declared.get(u) or found[u])):
        mine, theirs = declared.get(urn), found.get(urn)
        resource = mine or theirs
        assert resource is not None
        subject = _subject(plan, resource)
        rid = ids.get(_key(resource), resource.azure_name or resource.name)
        if theirs is None:
            if resource.type == ITEM:
                drifts.append(Drift(MANIFEST_ONLY, _subject(plan, resource, parent=True), f"term {_term(resource)} is in "
                                    "the manifest, not in Azure", rid))
            elif not any(_same(resource, kind, body) for kind, body in imported.unwritten):
                drifts.append(Drift(MANIFEST_ONLY, subject, "in the manifest, missing in Azure (deleted there?)", rid))
        elif mine is None:
            text = (f"term {_term(resource)} is in Azure, not in the manifest" if resource.type == ITEM else
                    "exists in Azure, not in the manifest (made by hand?)")
            drifts.append(Drift(AZURE_ONLY, _subject(plan, resource, parent=resource.type == ITEM), text, rid))
        else:
            drifts += _changes(subject, rid, theirs, mine)
    for kind, body in imported.unwritten:  # what Azure has and the manifest's words cannot hold
        if not any(_same(r, kind, body) for r in declared.values()):
            drifts.append(Drift(AZURE_ONLY, f"{plan.stack} · {_account_label(plan, body)} · {_kind_word(kind)} "
                                f"{_last(body)}", "exists in Azure, not in the manifest (made by hand?)",
                                str(body.get("id", ""))))
    return DriftReport(plan.stack, estate.subscription, estate.resource_group, tuple(drifts),
                       tuple(str(note) for note in imported.notes if note.lossy))


def _changes(subject: str, rid: str, azure: PlannedResource, declared: PlannedResource) -> list[Drift]:
    out: list[Drift] = []
    if azure.type == POLICY:
        out += _filter_levels(subject, rid, azure.inputs, declared.inputs)
    upgrading = (azure.inputs.get("properties") or {}).get("versionUpgradeOption") not in (None, "NoAutoUpgrade")
    for change in property_changes(_comparable(azure), _comparable(declared)):
        if change.path.startswith("properties.contentFilters"):
            continue
        word = words(change.path)
        text = f"{word} is {value(change.old)} in Azure, the manifest says {value(change.new)}"
        if change.path == "properties.model.version" and upgrading:
            text += " (an auto-upgrade: Azure moved the version because the deployment's upgrade option allows it)"
        out.append(Drift(CHANGED, subject, text, rid, change.path, _plain(change.old), _plain(change.new)))
    return out


def _filter_levels(subject: str, rid: str, azure: dict[str, Any], declared: dict[str, Any]) -> list[Drift]:
    theirs, mine = _levels(azure), _levels(declared)
    out = []
    for key in sorted(set(theirs) | set(mine)):
        if theirs.get(key) != mine.get(key):
            source, word = key
            out.append(Drift(CHANGED, subject, f"{source} {word} is {theirs.get(key, 'not set')} in Azure, the manifest "
                                               f"says {mine.get(key, 'not set')}", rid,
                             f"properties.contentFilters[{word} {source}]", theirs.get(key), mine.get(key)))
    return out


def _levels(inputs: dict[str, Any]) -> dict[tuple[str, str], str]:
    entries = (inputs.get("properties") or {}).get("contentFilters") or []
    return {(str(e.get("source", "")).lower(), FILTER_WORDS.get(str(e.get("name")), str(e.get("name")))): setting_of(e)
            for e in entries if isinstance(e, dict)}


def _comparable(resource: PlannedResource) -> dict[str, Any]:
    return {key: item for key, item in resource.inputs.items() if key not in _PLACEMENT}


def _plain(v: Any) -> Any:
    return None if v is ABSENT else v


def _subject(plan: Plan, resource: PlannedResource, parent: bool = False) -> str:
    if parent:  # a blocklist item is spoken of as a term of its blocklist
        title = f"blocklist {resource.inputs.get('raiBlocklistName')}"
    else:
        title = describe.title(resource.type, resource.inputs, resource.name)
    return " · ".join(filter(None, (plan.stack, plan.account_label(resource.account), title)))


def _term(resource: PlannedResource) -> str:
    properties = resource.inputs.get("properties") or {}
    pattern = properties.get("pattern")
    return f"/{pattern}/ (regex)" if properties.get("isRegex") else f'"{pattern}"'


def _order(resource: PlannedResource) -> tuple[str, int, str]:
    return (resource.account or "", COMPARED.index(resource.type) if resource.type in COMPARED else 99, resource.name)


_COLLECTION = {"azure-native:cognitiveservices:Deployment": "deployments", "azure-native:resources:Resource": "deployments",
               POLICY: "raiPolicies", BLOCKLIST: "raiBlocklists", PROJECT: "projects"}


def _key(resource: PlannedResource) -> tuple[str, ...]:
    if resource.type == ACCOUNT:
        return (str(resource.azure_name),)
    return (str(resource.account), _COLLECTION.get(resource.type, resource.type), str(resource.azure_name))


def _ids(estate: LiveEstate) -> dict[tuple[str, ...], str]:
    ids: dict[tuple[str, ...], str] = {}
    for account in estate.accounts:
        ids[(account.name,)] = account.id
        for collection, bodies in (("deployments", account.deployments), ("raiPolicies", account.rai_policies),
                                   ("raiBlocklists", account.rai_blocklists), ("projects", account.projects)):
            for body in bodies:
                ids[(account.name, collection, _last(body))] = str(body.get("id", ""))
    return ids


def _last(body: dict[str, Any]) -> str:
    return str(body.get("name", "")).rsplit("/", 1)[-1]


def _account_of(body: dict[str, Any]) -> str:
    parts = str(body.get("id", "")).split("/")
    return parts[parts.index("accounts") + 1] if "accounts" in parts else ""


def _account_label(plan: Plan, body: dict[str, Any]) -> str:
    return plan.account_label(_account_of(body)) or _account_of(body)


def _same(resource: PlannedResource, kind: str, body: dict[str, Any]) -> bool:
    return _key(resource) == (_account_of(body), kind, _last(body))


def _kind_word(kind: str) -> str:
    return {"deployments": "deployment", "raiPolicies": "content filter", "raiBlocklists": "blocklist"}.get(kind, kind)
