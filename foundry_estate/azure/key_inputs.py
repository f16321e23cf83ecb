"""The key inputs of each Azure resource type, in words: what a reviewer reads next to its title.

Reads the engine's camelCase inputs, so it describes any plan, whatever wrote it. Which
describer belongs to which type is said once, in `resource_types`.
"""

from __future__ import annotations

from typing import Any

from foundry_estate.azure.content_filters import entry_words, setting_of
from foundry_estate.azure.roles import BUILTIN_ROLES
from foundry_estate.words import UNKNOWN, plural

_ROLE_NAMES = {guid: name for name, guid in BUILTIN_ROLES.items()}


def get(inputs: dict[str, Any], path: str, default: Any = None) -> Any:
    value: Any = inputs
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return default
        value = value[part]
    return value


def filter_entry_label(entry: dict[str, Any]) -> str:
    """`prompt hate`, `completion protectedMaterialText`."""
    category, source = entry_words(entry)
    return f"{source} {category}"


def role_label(inputs: dict[str, Any]) -> str:
    definition = inputs.get("roleDefinitionId")
    guid = definition.rsplit("/", 1)[-1] if isinstance(definition, str) and definition != UNKNOWN else None
    role = _ROLE_NAMES.get(guid or "", guid or "a role")
    principal = inputs.get("principalType") or "principal"
    return f"{role} to {principal} {inputs.get('principalId')}"


def account(i: dict[str, Any]) -> str:
    parts = [f"{i.get('kind')} {get(i, 'sku.name')}", str(i.get("location")),
             f"public network {get(i, 'properties.publicNetworkAccess', 'Enabled')}",
             f"local auth {'off' if get(i, 'properties.disableLocalAuth') else 'on'}",
             f"identity {get(i, 'identity.type', 'None')}"]
    return " · ".join(parts)


def deployment(i: dict[str, Any]) -> str:
    model = get(i, "properties.model", {})
    spill = get(i, "properties.spilloverDeploymentName")
    provider = get(i, "properties.modelProviderData")
    return " · ".join(filter(None, [
        f"{model.get('format')} {model.get('name')} {model.get('version')}",
        f"{get(i, 'sku.name')} capacity {get(i, 'sku.capacity')}",
        f"filter {get(i, 'properties.raiPolicyName')}",
        get(i, "properties.versionUpgradeOption"),
        f"spills over to {spill}" if spill else None,
        f"for {provider.get('organizationName')} ({provider.get('countryCode')}, {provider.get('industry')})"
        if isinstance(provider, dict) else None,
    ]))


def content_filter(i: dict[str, Any]) -> str:
    entries = get(i, "properties.contentFilters", [])
    blocklists = sorted({b.get("blocklistName") for b in get(i, "properties.customBlocklists", [])})
    return " · ".join(filter(None, [
        f"base {get(i, 'properties.basePolicyName')}", f"mode {get(i, 'properties.mode')}",
        *(f"{source.lower()}: " + ", ".join(f"{entry_words(e)[0]} {setting_of(e)}"
                                           for e in entries if e.get("source") == source)
          for source in ("Prompt", "Completion") if any(e.get("source") == source for e in entries)),
        f"blocklists {', '.join(blocklists)}" if blocklists else None,
    ]))


def blocklist_item(i: dict[str, Any]) -> str:
    pattern = get(i, "properties.pattern")
    return f"regex {pattern!r}" if get(i, "properties.isRegex") else repr(pattern)


def private_endpoint(i: dict[str, Any]) -> str:
    subnet = str(get(i, "subnet.id", "")).split("/")
    return f"subnet {'/'.join(subnet[8:9] + subnet[10:11])} · {i.get('location')}"


def last_part(arm_id: Any) -> str:
    return str(arm_id).rsplit("/", 1)[-1] if isinstance(arm_id, str) and arm_id != UNKNOWN else str(arm_id)


def workspace(i: dict[str, Any]) -> str:
    if i.get("kind") != "Hub":
        return str(i.get("friendlyName", ""))
    return " · ".join([str(i.get("location")), f"public network {i.get('publicNetworkAccess', 'Enabled')}",
                       f"managed network {get(i, 'managedNetwork.isolationMode', 'Disabled')}",
                       f"identity {get(i, 'identity.type', 'None')}",
                       f"storage {last_part(i.get('storageAccount'))}", f"key vault {last_part(i.get('keyVault'))}"])


def traffic_words(traffic: Any) -> str:
    """`blue 90%, green 10%`."""
    return ", ".join(f"{name} {share}%" for name, share in sorted(traffic.items())) if isinstance(traffic, dict) else ""


def online_endpoint(i: dict[str, Any]) -> str:
    traffic = traffic_words(get(i, "properties.traffic"))
    return " · ".join(filter(None, [f"auth {get(i, 'properties.authMode')}",
                                    f"public network {get(i, 'properties.publicNetworkAccess', 'Enabled')}",
                                    f"traffic {traffic}" if traffic else "no traffic"]))


def online_deployment(i: dict[str, Any]) -> str:
    return " · ".join([str(get(i, "properties.model")),
                       f"{get(i, 'properties.instanceType')} × {get(i, 'sku.capacity')}"])


def serverless_endpoint(i: dict[str, Any]) -> str:
    return " · ".join([str(get(i, "properties.modelSettings.modelId")), f"auth {get(i, 'properties.authMode')}",
                       f"content safety {get(i, 'properties.contentSafety.contentSafetyStatus', 'Enabled')}"])


def storage_account(i: dict[str, Any]) -> str:
    return " · ".join([f"{i.get('kind')} {get(i, 'sku.name')}", str(i.get("location")),
                       f"shared key {'off' if i.get('allowSharedKeyAccess') is False else 'on'}",
                       f"public blob access {'off' if i.get('allowBlobPublicAccess') is False else 'on'}",
                       f"minimum TLS {i.get('minimumTlsVersion')}"])


def vault(i: dict[str, Any]) -> str:
    return " · ".join([str(i.get("location")),
                       "Azure RBAC" if get(i, "properties.enableRbacAuthorization") else "access policies",
                       f"purge protection {'on' if get(i, 'properties.enablePurgeProtection') else 'off'}"])


def location(i: dict[str, Any]) -> str:
    return str(i.get("location"))


def blocklist(i: dict[str, Any]) -> str:
    return str(get(i, "properties.description", ""))


def project(i: dict[str, Any]) -> str:
    return str(get(i, "properties.displayName", ""))


def dns_zone_group(i: dict[str, Any]) -> str:
    return plural(len(i.get("privateDnsZoneConfigs", [])), "zone")


def diagnostic_setting(i: dict[str, Any]) -> str:
    return f"to {str(i.get('workspaceId', '')).rsplit('/', 1)[-1]}"


def marketplace_subscription(i: dict[str, Any]) -> str:
    return str(get(i, "properties.modelId"))


def nothing(i: dict[str, Any]) -> str:
    return ""
