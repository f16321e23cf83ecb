"""Drift: what Azure has against what a stack's plan declares, by the engine's comparison.

Each resource the plan declares is matched with the ARM body of the same id (the id its PUT
path makes of its inputs) and compared as `pulumi up` would compare them: what azure-native reads
back from the body (`foundry_estate/azure/read_back.py`) against the declared inputs, both ways,
lists by position, with what the type table leaves to Azure ignored. So drift invents nothing (a
child is compared with its own tags, never its account's) and misses nothing the next `up` would
change. Said in the diff's words: a capacity, SKU or model version that differs (a version that
moved while auto-upgrade is on is called an auto-upgrade), a content filter's levels by category
(its entries' positions aside), a blocklist term on one side only, a resource on one side only.

Compared: accounts and what the live layer reads under them (deployments, content filters,
blocklists and their items, projects). Not compared: role assignments, diagnostic settings,
private endpoints, hubs (the live layer does not read them yet); Anthropic deployments are
compared for presence only (the generic resource reads back Azure's whole `properties`). How each
type is compared is its entry in `live/by_type.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from foundry_estate.azure import describe
from foundry_estate.azure import resource_types as types
from foundry_estate.azure.content_filters import levels
from foundry_estate.azure.read_back import ABSENT, compare, read_back
from foundry_estate.live.by_type import COMPARED, Comparison, comparison
from foundry_estate.live.estate import LiveEstate, bodies
from foundry_estate.preview.plan import Plan, PlannedResource
from foundry_estate.preview.summary import value
from foundry_estate.preview.summary.sentences import words

ACCOUNT = types.ACCOUNT
ITEM = types.BLOCKLIST_ITEM
# Inputs that only place a resource: its id already matches.
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


def resource_id(plan_resource: PlannedResource, subscription: str) -> str | None:
    """The ARM id the resource's PUT goes to: its type's path filled with its inputs."""
    entry = types.BY_TOKEN.get(plan_resource.type)
    if entry is None:
        return None
    try:
        return entry.arm.put_path.format(subscriptionId=subscription, **{
            key: item for key, item in plan_resource.inputs.items() if isinstance(item, str)})
    except KeyError:
        return None


def drift(plan: Plan, estate: LiveEstate) -> DriftReport:
    """The plan against the estate read from Azure, resource by resource, each difference once."""
    live = {str(body.get("id", "")).lower(): (token, body) for token, body in bodies(estate) if body.get("id")}
    declared = [r for r in plan.resources if r.type in COMPARED]
    drifts: list[Drift] = []
    matched: set[str] = set()
    items = _items_by_term(live)
    for resource in sorted(declared, key=_order):
        how = comparison(resource.type)
        if how is Comparison.BY_TERM:  # the kit names items by a digest of their term: matched by term
            key = _item_key(resource.inputs)
            if key in items:
                matched.add(items[key])
            else:
                drifts.append(Drift(MANIFEST_ONLY, _subject(plan, resource, parent=True),
                                    f"term {_term(resource.inputs)} is in the manifest, not in Azure",
                                    resource_id(resource, estate.subscription) or resource.name))
            continue
        rid = resource_id(resource, estate.subscription) or ""
        found = live.get(rid.lower())
        subject = _subject(plan, resource)
        if found is None:
            drifts.append(Drift(MANIFEST_ONLY, subject, "in the manifest, missing in Azure (deleted there?)", rid))
            continue
        matched.add(rid.lower())
        token, body = found
        if how is Comparison.PRESENCE:
            continue
        drifts += _changes(subject, str(body.get("id")), token, read_back(token, str(body["id"]), body), resource)
    for lowered, (token, body) in live.items():
        if lowered in matched or comparison(token) is Comparison.FILTER_LEVELS and _system_managed(body):
            continue
        if comparison(token) is Comparison.BY_TERM:
            text = f"term {_term(body.get('properties') or {})} is in Azure, not in the manifest"
            drifts.append(Drift(AZURE_ONLY, f"{plan.stack} · {_account_label(plan, body)} · blocklist "
                                f"{_named_in_id(body, 'raiBlocklists')}", text, str(body.get("id"))))
        elif token != ACCOUNT:
            drifts.append(Drift(AZURE_ONLY, f"{plan.stack} · {_account_label(plan, body)} · "
                                f"{types.BY_TOKEN[token].kind} {_last(body)}",
                                "exists in Azure, not in the manifest (made by hand?)", str(body.get("id"))))
    return DriftReport(plan.stack, estate.subscription, estate.resource_group, tuple(drifts), ())


def _changes(subject: str, rid: str, token: str, read: dict[str, Any], declared: PlannedResource) -> list[Drift]:
    out: list[Drift] = []
    if comparison(token) is Comparison.FILTER_LEVELS:
        out += _filter_levels(subject, rid, read, declared.inputs)
    upgrading = (read.get("properties") or {}).get("versionUpgradeOption") not in (None, "NoAutoUpgrade")
    for difference in compare(token, read, declared.inputs, types.managed_by_azure(declared.type, declared.inputs)):
        if difference.path.split(".")[0] in _PLACEMENT or difference.path.startswith("properties.contentFilters"):
            continue
        word = words(difference.path)
        text = f"{word} is {value(_plain(difference.azure))} in Azure, the manifest says {value(_plain(difference.manifest))}"
        if difference.path == "properties.model.version" and upgrading:
            text += " (an auto-upgrade: Azure moved the version because the deployment's upgrade option allows it)"
        out.append(Drift(CHANGED, subject, text, rid, difference.path, _plain(difference.azure),
                         _plain(difference.manifest)))
    return out


def _system_managed(body: dict[str, Any]) -> bool:
    """Azure's built-in content filters (Microsoft.Default, Microsoft.DefaultV2) are not the kit's."""
    return (body.get("properties") or {}).get("type") == "SystemManaged" or _last(body).startswith("Microsoft.")


def _item_key(inputs: dict[str, Any]) -> tuple[str, str, str, bool]:
    properties = inputs.get("properties") or {}
    return (str(inputs.get("accountName")).lower(), str(inputs.get("raiBlocklistName")).lower(),
            str(properties.get("pattern")), bool(properties.get("isRegex")))


def _items_by_term(live: dict[str, tuple[str, dict[str, Any]]]) -> dict[tuple[str, str, str, bool], str]:
    """The blocklist items read (`live`, by lowered id), by their term."""
    found: dict[tuple[str, str, str, bool], str] = {}
    for token, body in live.values():
        if token == ITEM:
            inputs = read_back(ITEM, str(body["id"]), body)
            found.setdefault(_item_key(inputs), str(body["id"]).lower())
    return found


def _named_in_id(body: dict[str, Any], collection: str) -> str:
    """The name that follows `collection` in the body's ARM id (its account, its blocklist), or ''."""
    parts = str(body.get("id", "")).split("/")
    return parts[parts.index(collection) + 1] if collection in parts else ""


def _filter_levels(subject: str, rid: str, azure: dict[str, Any], declared: dict[str, Any]) -> list[Drift]:
    theirs, mine = _levels(azure), _levels(declared)
    out = []
    for key in sorted(set(theirs) | set(mine), key=lambda key: (key[1], key[0])):  # by source, then filter
        if theirs.get(key) != mine.get(key):
            word, source = key
            out.append(Drift(CHANGED, subject, f"{source} {word} is {theirs.get(key, 'not set')} in Azure, the manifest "
                                               f"says {mine.get(key, 'not set')}", rid,
                             f"properties.contentFilters[{word} {source}]", theirs.get(key), mine.get(key)))
    return out


def _levels(inputs: dict[str, Any]) -> dict[tuple[str, str], str]:
    entries = (inputs.get("properties") or {}).get("contentFilters") or []
    return levels((e for e in entries if isinstance(e, dict)), keep_unknown=True)


def _plain(v: Any) -> Any:
    return None if v is ABSENT else v


def _subject(plan: Plan, resource: PlannedResource, parent: bool = False) -> str:
    if parent:  # a blocklist item is spoken of as a term of its blocklist
        title = f"blocklist {resource.inputs.get('raiBlocklistName')}"
    else:
        title = describe.title(resource.type, resource.inputs, resource.name)
    return " · ".join(filter(None, (plan.stack, plan.account_label(resource.account), title)))


def _term(inputs: dict[str, Any]) -> str:
    properties = inputs.get("properties", inputs) or {}
    pattern = properties.get("pattern")
    return f"/{pattern}/ (regex)" if properties.get("isRegex") else f'"{pattern}"'


def _order(resource: PlannedResource) -> tuple[str, int, str]:
    return (resource.account or "", COMPARED.index(resource.type) if resource.type in COMPARED else 99, resource.name)


def _last(body: dict[str, Any]) -> str:
    return str(body.get("name", "")).rsplit("/", 1)[-1]


def _account_label(plan: Plan, body: dict[str, Any]) -> str:
    account = _named_in_id(body, "accounts")
    return plan.account_label(account) or account
