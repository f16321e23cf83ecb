"""Resources in words: what a reviewer calls each resource type, and its key inputs.

Reads the engine's camelCase inputs, so it describes any plan, whatever wrote it.
"""

from __future__ import annotations

from typing import Any, Callable

from foundry_kit.azure.content_filters import FILTER_WORDS, setting_of
from foundry_kit.azure.roles import BUILTIN_ROLES
from foundry_kit.words import UNKNOWN, plural

_ROLE_NAMES = {guid: name for name, guid in BUILTIN_ROLES.items()}


def _get(inputs: dict[str, Any], path: str, default: Any = None) -> Any:
    value: Any = inputs
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return default
        value = value[part]
    return value


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
    provider = _get(i, "properties.modelProviderData")
    return " · ".join(filter(None, [
        f"{model.get('format')} {model.get('name')} {model.get('version')}",
        f"{_get(i, 'sku.name')} capacity {_get(i, 'sku.capacity')}",
        f"filter {_get(i, 'properties.raiPolicyName')}",
        _get(i, "properties.versionUpgradeOption"),
        f"spills over to {spill}" if spill else None,
        f"for {provider.get('organizationName')} ({provider.get('countryCode')}, {provider.get('industry')})"
        if isinstance(provider, dict) else None,
    ]))


def _policy(i: dict[str, Any]) -> str:
    entries = _get(i, "properties.contentFilters", [])
    blocklists = sorted({b.get("blocklistName") for b in _get(i, "properties.customBlocklists", [])})
    return " · ".join(filter(None, [
        f"base {_get(i, 'properties.basePolicyName')}", f"mode {_get(i, 'properties.mode')}",
        *(f"{source.lower()}: " + ", ".join(f"{FILTER_WORDS.get(e.get('name'), e.get('name'))} {setting_of(e)}"
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


WORKSPACE = "azure-native:machinelearningservices:Workspace"


def is_hub(type_: str, inputs: dict[str, Any]) -> bool:
    return type_ == WORKSPACE and inputs.get("kind") == "Hub"


def _last(arm_id: Any) -> str:
    return str(arm_id).rsplit("/", 1)[-1] if isinstance(arm_id, str) and arm_id != UNKNOWN else str(arm_id)


def _workspace(i: dict[str, Any]) -> str:
    if i.get("kind") != "Hub":
        return str(i.get("friendlyName", ""))
    return " · ".join([str(i.get("location")), f"public network {i.get('publicNetworkAccess', 'Enabled')}",
                       f"managed network {_get(i, 'managedNetwork.isolationMode', 'Disabled')}",
                       f"identity {_get(i, 'identity.type', 'None')}",
                       f"storage {_last(i.get('storageAccount'))}", f"key vault {_last(i.get('keyVault'))}"])


def traffic_words(traffic: Any) -> str:
    """`blue 90%, green 10%`."""
    return ", ".join(f"{name} {share}%" for name, share in sorted(traffic.items())) if isinstance(traffic, dict) else ""


def _online_endpoint(i: dict[str, Any]) -> str:
    traffic = traffic_words(_get(i, "properties.traffic"))
    return " · ".join(filter(None, [f"auth {_get(i, 'properties.authMode')}",
                                    f"public network {_get(i, 'properties.publicNetworkAccess', 'Enabled')}",
                                    f"traffic {traffic}" if traffic else "no traffic"]))


def _online_deployment(i: dict[str, Any]) -> str:
    return " · ".join([str(_get(i, "properties.model")),
                       f"{_get(i, 'properties.instanceType')} × {_get(i, 'sku.capacity')}"])


def _serverless_endpoint(i: dict[str, Any]) -> str:
    return " · ".join([str(_get(i, "properties.modelSettings.modelId")), f"auth {_get(i, 'properties.authMode')}",
                       f"content safety {_get(i, 'properties.contentSafety.contentSafetyStatus', 'Enabled')}"])


def _storage_account(i: dict[str, Any]) -> str:
    return " · ".join([f"{i.get('kind')} {_get(i, 'sku.name')}", str(i.get("location")),
                       f"shared key {'off' if i.get('allowSharedKeyAccess') is False else 'on'}",
                       f"public blob access {'off' if i.get('allowBlobPublicAccess') is False else 'on'}",
                       f"minimum TLS {i.get('minimumTlsVersion')}"])


def _vault(i: dict[str, Any]) -> str:
    return " · ".join([str(i.get("location")),
                       "Azure RBAC" if _get(i, "properties.enableRbacAuthorization") else "access policies",
                       f"purge protection {'on' if _get(i, 'properties.enablePurgeProtection') else 'off'}"])


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
    WORKSPACE: ("hub project", "workspaceName", _workspace),  # a hub, by its kind (see `title`)
    "azure-native:machinelearningservices:MarketplaceSubscription": ("marketplace subscription", "name",
                                                                     lambda i: str(_get(i, "properties.modelId"))),
    "azure-native:machinelearningservices:ServerlessEndpoint": ("serverless endpoint", "name", _serverless_endpoint),
    "azure-native:machinelearningservices:OnlineEndpoint": ("online endpoint", "endpointName", _online_endpoint),
    "azure-native:machinelearningservices:OnlineDeployment": ("online deployment", "deploymentName", _online_deployment),
    "azure-native:storage:StorageAccount": ("storage account", "accountName", _storage_account),
    "azure-native:keyvault:Vault": ("key vault", "vaultName", _vault),
}


DEPLOYMENT = "azure-native:cognitiveservices:Deployment"
GENERIC = "azure-native:resources:Resource"
# A generic resource is a deployment when it is written to this ARM type (Anthropic models).
_GENERIC_DEPLOYMENT = ("microsoft.cognitiveservices", "deployments")
_GENERIC_DEPLOYMENT_KIND = ("deployment", "resourceName", _deployment)


def is_deployment(type_: str, inputs: dict[str, Any]) -> bool:
    """A model deployment: the typed resource, or the generic one written to accounts/deployments."""
    if type_ != GENERIC:
        return type_ == DEPLOYMENT
    namespace, resource_type = inputs.get("resourceProviderNamespace"), inputs.get("resourceType")
    return isinstance(namespace, str) and isinstance(resource_type, str) and \
        (namespace.lower(), resource_type.lower()) == _GENERIC_DEPLOYMENT


def _kind(type_: str, inputs: dict[str, Any]) -> tuple[str, str, Callable[[dict[str, Any]], str]] | None:
    return _GENERIC_DEPLOYMENT_KIND if type_ == GENERIC and is_deployment(type_, inputs) else KINDS.get(type_)


def kind(type_: str) -> str:
    return KINDS[type_][0] if type_ in KINDS else type_


def title(type_: str, inputs: dict[str, Any], logical_name: str) -> str:
    """`deployment grok-3`; role assignments by what they grant."""
    if type_ == "azure-native:authorization:RoleAssignment":
        return f"role {role_label(inputs)}"
    if type_ == "azure-native:cognitiveservices:RaiBlocklistItem":
        return f"blocklist item {_item(inputs)} in {inputs.get('raiBlocklistName')}"
    if is_hub(type_, inputs):
        return f"hub {inputs.get('workspaceName', logical_name)}"
    if type_ == "azure-native:machinelearningservices:OnlineDeployment":
        return f"online deployment {inputs.get('endpointName')}/{inputs.get('deploymentName', logical_name)}"
    known = _kind(type_, inputs)
    if known is None:
        return f"{type_} {logical_name}"
    label, name_input, _ = known
    return f"{label} {inputs.get(name_input, logical_name)}"


def details(type_: str, inputs: dict[str, Any]) -> str:
    known = _kind(type_, inputs)
    return known[2](inputs) if known and type_ != "azure-native:authorization:RoleAssignment" else ""
