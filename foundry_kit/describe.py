"""Resources in words: what a reviewer calls each resource type, and its key inputs.

Reads the engine's camelCase inputs, so it describes any plan, whatever wrote it.
"""

from __future__ import annotations

from typing import Any, Callable

from .engine import UNKNOWN
from .roles import BUILTIN_ROLES
from .words import plural

_ROLE_NAMES = {guid: name for name, guid in BUILTIN_ROLES.items()}
_HARM = ("Hate", "Sexual", "Violence", "Selfharm")
# Azure's content filter names -> the manifest's words.
FILTER_WORDS = {"Hate": "hate", "Sexual": "sexual", "Violence": "violence", "Selfharm": "selfHarm",
                "Jailbreak": "jailbreak", "Indirect Attack": "indirectAttack", "Profanity": "profanity",
                "Protected Material Text": "protectedMaterialText", "Protected Material Code": "protectedMaterialCode"}


def _get(inputs: dict[str, Any], path: str, default: Any = None) -> Any:
    value: Any = inputs
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return default
        value = value[part]
    return value


def filter_setting(entry: dict[str, Any]) -> str:
    """One RaiPolicy `contentFilters` entry in the manifest's words: low|medium|high|block|annotate|off."""
    if not entry.get("enabled", True):
        return "off"
    if not entry.get("blocking", False):
        return "annotate"
    if entry.get("name") in _HARM and isinstance(entry.get("severityThreshold"), str):
        return entry["severityThreshold"].lower()
    return "block"


def filter_entry_label(entry: dict[str, Any]) -> str:
    """`prompt hate`, `completion protectedMaterialText`."""
    return f"{str(entry.get('source', '')).lower()} {FILTER_WORDS.get(entry.get('name'), entry.get('name'))}"


def role_label(inputs: dict[str, Any]) -> str:
    definition = inputs.get("roleDefinitionId")
    guid = definition.rsplit("/", 1)[-1] if isinstance(definition, str) and definition != UNKNOWN else None
    role = _ROLE_NAMES.get(guid or "", guid or "a role")
    principal = inputs.get("principalType") or "principal"
    return f"{role} to {principal} {inputs.get('principalId')}"


def _account(i: dict[str, Any]) -> str:
    parts = [f"{i.get('kind')} {_get(i, 'sku.name')}", str(i.get("location")),
             f"public network {_get(i, 'properties.publicNetworkAccess', 'Enabled')}",
             f"local auth {'off' if _get(i, 'properties.disableLocalAuth') else 'on'}",
             f"identity {_get(i, 'identity.type', 'None')}"]
    return " · ".join(parts)


def _deployment(i: dict[str, Any]) -> str:
    model = _get(i, "properties.model", {})
    spill = _get(i, "properties.spilloverDeploymentName")
    return " · ".join(filter(None, [
        f"{model.get('format')} {model.get('name')} {model.get('version')}",
        f"{_get(i, 'sku.name')} capacity {_get(i, 'sku.capacity')}",
        f"filter {_get(i, 'properties.raiPolicyName')}",
        _get(i, "properties.versionUpgradeOption"),
        f"spills over to {spill}" if spill else None,
    ]))


def _policy(i: dict[str, Any]) -> str:
    entries = _get(i, "properties.contentFilters", [])
    blocklists = sorted({b.get("blocklistName") for b in _get(i, "properties.customBlocklists", [])})
    return " · ".join(filter(None, [
        f"base {_get(i, 'properties.basePolicyName')}", f"mode {_get(i, 'properties.mode')}",
        *(f"{source.lower()}: " + ", ".join(f"{FILTER_WORDS.get(e.get('name'), e.get('name'))} {filter_setting(e)}"
                                           for e in entries if e.get("source") == source)
          for source in ("Prompt", "Completion") if any(e.get("source") == source for e in entries)),
        f"blocklists {', '.join(blocklists)}" if blocklists else None,
    ]))


def _item(i: dict[str, Any]) -> str:
    pattern = _get(i, "properties.pattern")
    return f"regex {pattern!r}" if _get(i, "properties.isRegex") else repr(pattern)


def _private_endpoint(i: dict[str, Any]) -> str:
    subnet = str(_get(i, "subnet.id", "")).split("/")
    return f"subnet {'/'.join(subnet[8:9] + subnet[10:11])} · {i.get('location')}"


# type -> (what a reviewer calls it, the input with the name to show, its key inputs)
KINDS: dict[str, tuple[str, str, Callable[[dict[str, Any]], str]]] = {
    "azure-native:resources:ResourceGroup": ("resource group", "resourceGroupName", lambda i: str(i.get("location"))),
    "azure-native:cognitiveservices:Account": ("account", "accountName", _account),
    "azure-native:cognitiveservices:RaiBlocklist": ("blocklist", "raiBlocklistName",
                                                    lambda i: _get(i, "properties.description", "")),
    "azure-native:cognitiveservices:RaiBlocklistItem": ("blocklist item", "raiBlocklistName", _item),
    "azure-native:cognitiveservices:RaiPolicy": ("content filter", "raiPolicyName", _policy),
    "azure-native:cognitiveservices:Deployment": ("deployment", "deploymentName", _deployment),
    "azure-native:cognitiveservices:Project": ("project", "projectName",
                                               lambda i: str(_get(i, "properties.displayName", ""))),
    "azure-native:network:PrivateEndpoint": ("private endpoint", "privateEndpointName", _private_endpoint),
    "azure-native:network:PrivateDnsZoneGroup": ("private DNS zone group", "privateEndpointName",
                                                 lambda i: plural(len(i.get("privateDnsZoneConfigs", [])), "zone")),
    "azure-native:monitor:DiagnosticSetting": ("diagnostic setting", "name",
                                               lambda i: f"to {str(i.get('workspaceId', '')).rsplit('/', 1)[-1]}"),
    "azure-native:authorization:RoleAssignment": ("role assignment", "roleAssignmentName", role_label),
}


def kind(type_: str) -> str:
    return KINDS[type_][0] if type_ in KINDS else type_


def title(type_: str, inputs: dict[str, Any], logical_name: str) -> str:
    """`deployment grok-3`; role assignments by what they grant."""
    if type_ == "azure-native:authorization:RoleAssignment":
        return f"role {role_label(inputs)}"
    if type_ == "azure-native:cognitiveservices:RaiBlocklistItem":
        return f"blocklist item {_item(inputs)} in {inputs.get('raiBlocklistName')}"
    if type_ not in KINDS:
        return f"{type_} {logical_name}"
    label, name_input, _ = KINDS[type_]
    return f"{label} {inputs.get(name_input, logical_name)}"


def details(type_: str, inputs: dict[str, Any]) -> str:
    return KINDS[type_][2](inputs) if type_ in KINDS and type_ != "azure-native:authorization:RoleAssignment" else ""
