"""A live estate (`estate.LiveEstate`, Azure's REST JSON) in the manifest's own vocabulary, for
`foundry-estate import`: kind, SKU, subdomain, local auth, network access and ACLs, identity; per
deployment model, SKU, capacity, content filter, version upgrade option, spillover; content
filters read back to levels (`azure/content_filters.py`), blocklists and their terms, projects.

The manifest is written so that the kit's program declares, for every imported resource, the
inputs Azure returned: the defaults the manifest leaves out are the kit's, so a value that differs
from them is written. What Azure has that the manifest cannot say (or that the kit would send
differently) is a `Note` with the resource's id, never dropped in silence.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from foundry_estate.components.naming import blocklist_item_name
from foundry_estate.azure.content_filters import SOURCE_CATEGORIES, entry_key, rai_entry, setting_of
from foundry_estate.errors import KitError, Problem
from foundry_estate.live.estate import Json, LiveAccount, LiveEstate
from foundry_estate.manifest.model import BUILTIN_CONTENT_FILTERS, DEFAULT_CONTENT_FILTER, BlocklistItem


@dataclass(frozen=True)
class Note:
    resource_id: str
    message: str
    lossy: bool = True  # False: nothing of Azure's state is lost (only how adoption goes is said)

    def __str__(self) -> str:
        return f"{self.resource_id}: {self.message}"


@dataclass
class Imported:
    data: dict[str, Any]
    notes: list[Note] = field(default_factory=list)

    def note(self, resource: Json | str, message: str, lossy: bool = True) -> None:
        self.notes.append(Note(resource if isinstance(resource, str) else str(resource.get("id") or resource.get("name")),
                               message, lossy))

    def leave_out(self, resource: Json, message: str) -> None:
        self.note(resource, f"{message} (not written)")


def to_manifest(estate: LiveEstate) -> Imported:
    locations = Counter(str(a.account.get("location")) for a in estate.accounts)
    location = sorted(locations, key=lambda l: (-locations[l], l))[0] if locations else None
    found = Imported({"version": 1, **({"location": location} if location else {}),
                      "resourceGroup": {"name": estate.resource_group, "create": False}})
    filters: dict[str, Any] = {}
    blocklists: dict[str, Any] = {}
    accounts: dict[str, Any] = {}
    for live in estate.accounts:
        accounts[live.name] = _account(found, live, location, filters, blocklists)
    if filters:
        found.data["contentFilters"] = dict(sorted(filters.items()))
    if blocklists:
        found.data["blocklists"] = dict(sorted(blocklists.items()))
    found.data["accounts"] = accounts
    return found


def _props(body: Json) -> Json:
    properties = body.get("properties")
    return properties if isinstance(properties, dict) else {}


def _account(found: Imported, live: LiveAccount, location: str | None, filters: dict[str, Any],
             blocklists: dict[str, Any]) -> dict[str, Any]:
    body, props = live.account, _props(live.account)
    spec: dict[str, Any] = {"name": live.name}
    if body.get("location") != location:
        spec["location"] = body.get("location")
    kind = body.get("kind")
    if kind != "AIServices":
        spec["kind"] = kind
        if kind != "OpenAI":
            found.note(body, f"kind {kind} is not a Foundry account kind the kit manages (AIServices, OpenAI)")
    sku = (body.get("sku") or {}).get("name")
    if sku != "S0":
        found.note(body, f"SKU {sku}: the manifest knows S0 only; it says S0, which `pulumi up` would set")
    subdomain = props.get("customSubDomainName")
    if subdomain and subdomain != live.name:
        spec["subdomain"] = subdomain
    elif not subdomain:
        found.note(body, "no custom subdomain; the kit sets one (the account's name), which Azure cannot undo")
    if not props.get("disableLocalAuth", False):
        spec["localAuth"] = True
    spec["publicNetworkAccess"] = props.get("publicNetworkAccess") or "Enabled"
    acls = _network_acls(found, body, props.get("networkAcls"))
    if acls:
        spec["networkAcls"] = acls
    if props.get("privateEndpointConnections"):
        found.note(body, "private endpoint connections are not imported: add them under privateEndpoints "
                         "(the kit would then create its own private endpoints)")
    if kind == "AIServices" and props.get("allowProjectManagement") is not True:
        found.note(body, "allowProjectManagement is off; the kit turns it on for AIServices accounts")
    identity = _identity(found, body, body.get("identity"))
    if identity != "SystemAssigned":
        spec["identity"] = identity
    tags = body.get("tags") or {}
    if tags:
        spec["tags"] = dict(sorted(tags.items()))
    for key, name in (("defaultProject", "defaultProject"), ("restrictOutboundNetworkAccess", "restrictOutboundNetworkAccess")):
        if props.get(name) is not None:
            spec[key] = props[name]
    for name in ("associatedProjects", "allowedFqdnList"):
        if props.get(name):
            spec[name] = list(props[name])
    _refuse_what_security_set(body, props)
    projects = {str(p["name"]).rsplit("/", 1)[-1]: _project(found, p, body, tags) for p in live.projects}
    if projects:
        spec["projects"] = dict(sorted(projects.items()))
    used_filters = _filters(found, live, filters, blocklists, tags)
    deployments = {str(d["name"]): _deployment(found, d, used_filters, tags) for d in live.deployments}
    deployments = {name: d for name, d in deployments.items() if d is not None}
    if deployments:
        spec["deployments"] = dict(sorted(deployments.items()))
    return spec


def _network_acls(found: Imported, body: Json, acls: Any) -> dict[str, Any] | None:
    """Azure's rules in Azure's order with all their fields (Pulumi compares lists by position)."""
    if not isinstance(acls, dict) or not acls:
        return None
    spec: dict[str, Any] = {"defaultAction": acls.get("defaultAction", "Allow")}
    bypass = acls.get("bypass") or "AzureServices"
    if bypass != "AzureServices":
        spec["bypass"] = bypass
    elif not acls.get("bypass"):
        found.note(body, "networkAcls.bypass is not set in Azure; the kit sends AzureServices (trusted Azure services "
                         "pass)")
    ips = [r.get("value") for r in acls.get("ipRules") or [] if isinstance(r, dict)]
    subnets = [_subnet_rule(r) for r in acls.get("virtualNetworkRules") or [] if isinstance(r, dict)]
    if ips:
        spec["ipRules"] = ips
    if subnets:
        spec["virtualNetworkRules"] = subnets
    return spec


def _subnet_rule(rule: Json) -> Any:
    extra = {key: rule[key] for key in ("ignoreMissingVnetServiceEndpoint", "state") if rule.get(key) is not None}
    return {"id": rule.get("id"), **extra} if extra else rule.get("id")


# What a security team sets on an account that the manifest cannot carry yet: adopting it would
# take it away at the first `up` (azure-native sends the program's inputs, which lack it).
_SECURITY = (("encryption", "a customer-managed key (encryption): the first `pulumi up` would put the account back on "
                            "Microsoft-managed keys"),
             ("userOwnedStorage", "its own storage (userOwnedStorage): the first `pulumi up` would detach it"))


def _refuse_what_security_set(body: Json, props: Json) -> None:
    refused = [why for name, why in _SECURITY
               if props.get(name) and not (name == "encryption" and _microsoft_managed(props[name]))]
    if refused:
        raise KitError([Problem.at(".", f"{body.get('id') or body.get('name')}: the account uses {why}. The manifest cannot "
                                        "express it yet, so the kit refuses to adopt this account (leave it out with "
                                        "--account, or manage it outside the kit)") for why in refused])


def _microsoft_managed(encryption: Any) -> bool:
    return isinstance(encryption, dict) and encryption.get("keySource") in (None, "Microsoft.CognitiveServices") \
        and not encryption.get("keyVaultProperties")


def _identity(found: Imported, body: Json, identity: Any) -> Any:
    kind = identity.get("type") if isinstance(identity, dict) else None
    if kind in (None, "None"):
        return "None"
    if kind == "SystemAssigned":
        return "SystemAssigned"
    assigned = sorted((identity.get("userAssignedIdentities") or {}).keys())
    if not assigned:
        found.note(body, f"identity {kind} lists no user-assigned identity; written as SystemAssigned")
        return "SystemAssigned"
    result: dict[str, Any] = {"userAssigned": assigned}
    if "SystemAssigned" in kind:
        result["systemAssigned"] = True
    return result


def _project(found: Imported, project: Json, account: Json, tags: Any) -> dict[str, Any]:
    props, name = _props(project), str(project["name"]).rsplit("/", 1)[-1]
    spec: dict[str, Any] = {}
    if props.get("displayName") and props["displayName"] != name:
        spec["displayName"] = props["displayName"]
    elif not props.get("displayName"):
        found.note(project, f"no display name; the kit sets it to {name}")
    if props.get("description"):
        spec["description"] = props["description"]
    if project.get("location") and project.get("location") != account.get("location"):
        spec["location"] = project["location"]
    identity = _identity(found, project, project.get("identity"))
    if identity != "SystemAssigned":
        spec["identity"] = identity
    _own_tags(spec, project, tags)
    return spec


def _own_tags(spec: dict[str, Any], resource: Json, account_tags: Any) -> None:
    """A child's tags are its own: written when they are not its account's (`{}` for none)."""
    own = resource.get("tags") or {}
    if own != (account_tags or {}):
        spec["tags"] = dict(sorted(own.items()))


def _deployment(found: Imported, body: Json, filters: set[str], tags: Any) -> dict[str, Any] | None:
    props, sku = _props(body), body.get("sku") or {}
    model = props.get("model") or {}
    if model.get("format") == "Anthropic":
        found.leave_out(body, "an Anthropic deployment: Azure does not return its modelProviderData, "
                              "which the manifest requires; add it under accounts.<key>.deployments by hand")
        return None
    spec: dict[str, Any] = {"model": {"format": model.get("format"), "name": model.get("name"),
                                      "version": model.get("version")},
                            "sku": sku.get("name"), "capacity": sku.get("capacity")}
    policy = props.get("raiPolicyName")
    if policy and policy != DEFAULT_CONTENT_FILTER:
        spec["contentFilter"] = policy
    if not policy:
        found.note(body, f"no content filter; the kit sends {DEFAULT_CONTENT_FILTER}, Azure's default")
    elif policy not in filters and policy not in BUILTIN_CONTENT_FILTERS:
        found.note(body, f"content filter {policy} was not read from the account")
    upgrade = props.get("versionUpgradeOption")
    if upgrade != "NoAutoUpgrade":
        spec["versionUpgrade"] = upgrade  # None: Azure has none, and the kit sends none
    if props.get("spilloverDeploymentName"):
        spec["spillover"] = props["spilloverDeploymentName"]
    _own_tags(spec, body, tags)
    return spec


def _filters(found: Imported, live: LiveAccount, filters: dict[str, Any], blocklists: dict[str, Any],
             tags: Any) -> set[str]:
    """The account's own content filters that a deployment uses, into `filters` (shared by name
    across accounts), with the blocklists they name into `blocklists`; returns their names."""
    used = {str(_props(d).get("raiPolicyName")) for d in live.deployments}
    names: set[str] = set()
    listed_blocklists: set[str] = set()
    for policy in live.rai_policies:
        props, name = _props(policy), str(policy["name"]).rsplit("/", 1)[-1]
        if props.get("type") == "SystemManaged" or name in BUILTIN_CONTENT_FILTERS:
            continue
        if name not in used:
            found.leave_out(policy, "no deployment uses this content filter; the kit creates a filter only "
                                    "on accounts whose deployments use it")
            continue
        spec = _filter(found, policy)
        _own_tags(spec, policy, tags)
        listed_blocklists |= set(spec.get("blocklists", []))
        _shared(found, filters, name, spec, policy, "content filter")
        names.add(name)
    for blocklist in live.rai_blocklists:
        name = str(blocklist["name"]).rsplit("/", 1)[-1]
        if name not in listed_blocklists:
            found.leave_out(blocklist, "no content filter used here names this blocklist; the kit "
                                       "creates a blocklist only where such a filter uses it")
            continue
        spec = _blocklist(found, blocklist, live.rai_blocklist_items.get(name, ()))
        _own_tags(spec, blocklist, tags)
        _shared(found, blocklists, name, spec, blocklist, "blocklist")
    return names


def _shared(found: Imported, into: dict[str, Any], name: str, spec: dict[str, Any], resource: Json, what: str) -> None:
    if name in into and into[name] != spec:
        found.note(resource, f"{what} {name} differs from the one of the same name in another account; the manifest "
                             "has one per name and keeps the first account's (alphabetically)")
    into.setdefault(name, spec)


def _filter(found: Imported, policy: Json) -> dict[str, Any]:
    props = _props(policy)
    spec: dict[str, Any] = {}
    base = props.get("basePolicyName") or DEFAULT_CONTENT_FILTER
    if base != DEFAULT_CONTENT_FILTER:
        spec["base"] = base
    if (props.get("mode") or "Default") != "Default":
        spec["mode"] = props["mode"]
    for entry in props.get("contentFilters") or []:
        word, source = entry_key(entry) or ("", "")
        if word not in SOURCE_CATEGORIES.get(source, ()):
            found.note(policy, f"filter {entry.get('name')} on {entry.get('source')} has no place in the manifest "
                               "(not written)")
            continue
        setting = setting_of(entry)
        # The threshold the kit sends with a harm category that is off or only annotated: Azure
        # ignores it there, but Pulumi's import compares it.
        quiet = rai_entry(word, source, setting).get("severityThreshold") if setting in ("off", "annotate") else None
        if quiet and entry.get("severityThreshold") not in (None, quiet):
            found.note(policy, f"{source} {word} is {setting} with threshold {entry.get('severityThreshold')}; the kit "
                               f"sends {quiet} (no effect while {setting})")
        if setting == "block" and entry.get("blocking") is None:
            found.note(policy, f"{source} {word}: Azure did not say whether it blocks; read as block")
        spec.setdefault(source, {})[word] = setting
    names = []
    for reference in props.get("customBlocklists") or []:
        name = reference.get("blocklistName")
        if name and name not in names:
            names.append(name)
    sources = {(r.get("blocklistName"), r.get("source")) for r in props.get("customBlocklists") or [] if r.get("blocking")}
    for name in names:
        if {(name, "Prompt"), (name, "Completion")} - sources:
            found.note(policy, f"blocklist {name} blocks on {', '.join(sorted(s for n, s in sources if n == name)) or 'nothing'}; "
                               "the kit applies a filter's blocklists to prompts and completions, blocking")
    if names:
        spec["blocklists"] = names  # in Azure's order
    return {key: spec[key] for key in ("base", "mode", "prompt", "completion", "blocklists") if key in spec}


def _blocklist(found: Imported, blocklist: Json, items: tuple[Json, ...]) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    description = _props(blocklist).get("description")
    if description:
        spec["description"] = description
    terms: list[Any] = []
    for item in items:
        props = _props(item)
        pattern, regex = props.get("pattern"), bool(props.get("isRegex"))
        if not isinstance(pattern, str):
            continue
        terms.append({"pattern": pattern, "regex": True} if regex else pattern)
        kit_name = blocklist_item_name(BlocklistItem(pattern, regex))
        if str(item.get("name")).rsplit("/", 1)[-1] != kit_name:
            found.note(item, f"the kit names blocklist items by their term ({kit_name}): on adoption it creates this "
                             "term under that name and leaves this item in place (the term is listed twice; delete "
                             "this one when you like)", lossy=False)
    if terms:
        spec["items"] = sorted(terms, key=lambda t: (t["pattern"], True) if isinstance(t, dict) else (t, False))
    return spec
