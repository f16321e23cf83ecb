"""The typed manifest: accounts, their deployments, projects, network and access."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from foundry_estate.azure.roles import role_definition_guid
from foundry_estate.manifest.model.common import DEFAULT_CONTENT_FILTER, Identity, Tags, identity_of, own_tags, sorted_tags


@dataclass(frozen=True)
class Model:
    format: str
    name: str
    version: str


@dataclass(frozen=True)
class ModelProviderData:
    """What Azure passes to the model's provider (Anthropic) when it accepts the provider's terms."""

    organization_name: str
    country_code: str  # ISO 3166-1 alpha-2
    industry: str


@dataclass(frozen=True)
class TokenUsage:
    """What a token-priced deployment is expected to serve in a month (`usage`), for `foundry-estate cost`."""

    input_tokens: int
    output_tokens: int


@dataclass(frozen=True)
class Deployment:
    name: str
    model: Model
    sku: str
    capacity: int
    content_filter: str
    version_upgrade: str | None  # None: the kit sends none (an adopted deployment without one in Azure)
    spillover: str | None
    model_provider_data: ModelProviderData | None = None  # Anthropic models only
    tags: Tags | None = None  # its own tags; None: its account's
    usage: TokenUsage | None = None  # expected tokens a month (cost estimates only; never sent to Azure)


@dataclass(frozen=True)
class Project:
    name: str
    display_name: str
    description: str | None
    location: str
    identity: Identity = Identity("SystemAssigned")
    tags: Tags | None = None  # its own tags; None: its account's


@dataclass(frozen=True)
class VirtualNetworkRule:
    id: str
    ignore_missing_endpoint: bool | None = None  # Azure's ignoreMissingVnetServiceEndpoint, when set
    state: str | None = None


@dataclass(frozen=True)
class NetworkAcls:
    default_action: str
    bypass: str
    ip_rules: tuple[str, ...]  # in the manifest's order (Azure keeps it; Pulumi compares by position)
    virtual_network_rules: tuple[VirtualNetworkRule, ...]


@dataclass(frozen=True)
class PrivateEndpoint:
    name: str
    subnet_id: str
    private_dns_zone_ids: tuple[str, ...]
    location: str


@dataclass(frozen=True)
class Diagnostics:
    name: str
    workspace_id: str


@dataclass(frozen=True)
class RoleAssignment:
    principal_id: str
    principal_type: str | None
    role_definition_guid: str


@dataclass(frozen=True)
class Account:
    key: str
    name: str
    location: str
    kind: str
    sku: str
    subdomain: str
    local_auth: bool
    public_network_access: str
    network_acls: NetworkAcls | None
    private_endpoints: tuple[PrivateEndpoint, ...]
    identity: Identity
    diagnostics: Diagnostics | None
    role_assignments: tuple[RoleAssignment, ...]
    projects: tuple[Project, ...]
    deployments: tuple[Deployment, ...]
    tags: Tags
    protect: bool
    default_project: str | None = None
    associated_projects: tuple[str, ...] | None = None
    restrict_outbound: bool | None = None  # restrictOutboundNetworkAccess, when set
    allowed_fqdns: tuple[str, ...] = ()


def subdomain_of(spec: Mapping[str, Any]) -> str:
    return spec.get("subdomain") or spec["name"]


def private_endpoint_name(account_name: str, spec: Mapping[str, Any]) -> str:
    vnet = spec["subnetId"].split("/")[8]
    return spec.get("name") or f"pe-{account_name}-{vnet}"


def account(key: str, spec: Mapping[str, Any], default_location: str | None, stack_tags: Mapping[str, str]) -> Account:
    location = spec.get("location") or default_location
    assert location, "validation guarantees a location"
    endpoints = spec.get("privateEndpoints") or []
    return Account(
        key=key,
        name=spec["name"],
        location=location,
        kind=spec.get("kind", "AIServices"),
        sku=spec.get("sku", "S0"),
        subdomain=subdomain_of(spec),
        local_auth=spec.get("localAuth", False),
        public_network_access=spec.get("publicNetworkAccess", "Disabled" if endpoints else "Enabled"),
        network_acls=_network_acls(spec.get("networkAcls")),
        private_endpoints=tuple(sorted(
            (PrivateEndpoint(private_endpoint_name(spec["name"], pe), pe["subnetId"],
                             tuple(sorted(pe.get("privateDnsZoneIds") or [])), pe.get("location") or location)
             for pe in endpoints), key=lambda pe: pe.name.lower())),
        identity=identity_of(spec.get("identity", "SystemAssigned")),
        diagnostics=_diagnostics(spec["name"], spec.get("diagnostics")),
        role_assignments=tuple(sorted(
            (RoleAssignment(ra["principalId"].lower(), ra.get("principalType"), role_definition_guid(ra["role"]))
             for ra in spec.get("roleAssignments") or []),
            key=lambda ra: (ra.principal_id, ra.role_definition_guid))),
        projects=tuple(Project(name, project.get("displayName", name), project.get("description"),
                               project.get("location") or location,
                               identity_of(project.get("identity", "SystemAssigned")), own_tags(project))
                       for name, project in sorted((spec.get("projects") or {}).items())),
        deployments=tuple(_deployment(name, deployment)
                          for name, deployment in sorted((spec.get("deployments") or {}).items())),
        tags=sorted_tags({**stack_tags, **(spec.get("tags") or {})}),
        protect=spec.get("protect", True),
        default_project=spec.get("defaultProject"),
        associated_projects=tuple(spec["associatedProjects"]) if "associatedProjects" in spec else None,
        restrict_outbound=spec.get("restrictOutboundNetworkAccess"),
        allowed_fqdns=tuple(spec.get("allowedFqdnList") or ()),
    )


def _deployment(name: str, spec: Mapping[str, Any]) -> Deployment:
    model = spec["model"]
    return Deployment(
        name=name,
        model=Model(model["format"], model["name"], model["version"]),
        sku=spec["sku"],
        capacity=spec["capacity"],
        content_filter=spec.get("contentFilter", DEFAULT_CONTENT_FILTER),
        version_upgrade=spec.get("versionUpgrade", "NoAutoUpgrade"),
        spillover=spec.get("spillover"),
        model_provider_data=_model_provider_data(spec.get("modelProviderData")),
        tags=own_tags(spec),
        usage=TokenUsage(spec["usage"]["inputTokensPerMonth"], spec["usage"]["outputTokensPerMonth"]) if "usage" in spec else None,
    )


def _model_provider_data(spec: Mapping[str, Any] | None) -> ModelProviderData | None:
    if spec is None:
        return None
    return ModelProviderData(spec["organizationName"], spec["countryCode"], spec["industry"])


def _network_acls(spec: Mapping[str, Any] | None) -> NetworkAcls | None:
    if spec is None:
        return None
    return NetworkAcls(spec["defaultAction"], spec.get("bypass", "AzureServices"), tuple(spec.get("ipRules") or []),
                       tuple(VirtualNetworkRule(rule) if isinstance(rule, str) else
                             VirtualNetworkRule(rule["id"], rule.get("ignoreMissingVnetServiceEndpoint"), rule.get("state"))
                             for rule in spec.get("virtualNetworkRules") or []))


def _diagnostics(account_name: str, spec: Mapping[str, Any] | None) -> Diagnostics | None:
    if spec is None:
        return None
    return Diagnostics(spec.get("name") or f"diag-{account_name}", spec["logAnalyticsWorkspaceId"])
