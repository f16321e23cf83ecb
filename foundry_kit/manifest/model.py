"""The typed, immutable manifest that components consume.

Built only from a document that passed validation (`validate.py`), so it applies
defaults but never checks anything. Collections are tuples in a canonical order (by Azure
name), so reordering keys or list entries in YAML yields an equal manifest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from foundry_kit.azure.roles import role_definition_guid

DEFAULT_CONTENT_FILTER = "Microsoft.DefaultV2"
BUILTIN_CONTENT_FILTERS = ("Microsoft.Default", "Microsoft.DefaultV2")
Tags = tuple[tuple[str, str], ...]


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
class Deployment:
    name: str
    model: Model
    sku: str
    capacity: int
    content_filter: str
    version_upgrade: str
    spillover: str | None
    model_provider_data: ModelProviderData | None = None  # Anthropic models only


@dataclass(frozen=True)
class Project:
    name: str
    display_name: str
    description: str | None
    location: str


@dataclass(frozen=True)
class NetworkAcls:
    default_action: str
    bypass: str
    ip_rules: tuple[str, ...]
    virtual_network_rules: tuple[str, ...]


@dataclass(frozen=True)
class PrivateEndpoint:
    name: str
    subnet_id: str
    private_dns_zone_ids: tuple[str, ...]
    location: str


@dataclass(frozen=True)
class Identity:
    type: str  # Azure's spelling: None | SystemAssigned | UserAssigned | "SystemAssigned, UserAssigned"
    user_assigned: tuple[str, ...] = ()


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


@dataclass(frozen=True)
class HarmSetting:
    """One category of a content filter, for prompts or completions."""

    category: str  # the manifest's word: hate, jailbreak, protectedMaterialText, ...
    source: str  # prompt | completion
    setting: str  # low | medium | high | block | annotate | off


@dataclass(frozen=True)
class ContentFilter:
    name: str
    base: str
    mode: str
    settings: tuple[HarmSetting, ...]
    blocklists: tuple[str, ...]


@dataclass(frozen=True)
class BlocklistItem:
    pattern: str
    regex: bool


@dataclass(frozen=True)
class Blocklist:
    name: str
    description: str | None
    items: tuple[BlocklistItem, ...]


@dataclass(frozen=True, order=True)
class Quota:
    location: str
    sku: str
    model: str
    limit: int


@dataclass(frozen=True, order=True)
class CoreQuota:
    """A budget of vCPU cores of one VM family in one region (managed online deployments)."""

    location: str
    vm_family: str
    limit: int


@dataclass(frozen=True)
class ServerlessEndpoint:
    name: str
    model_id: str  # azureml://registries/<registry>/models/<model>, no version
    auth_mode: str  # Key | AAD
    content_safety: bool
    marketplace_subscription: bool

    @property
    def model_name(self) -> str:
        return self.model_id.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Probe:
    initial_delay: str | None = None
    period: str | None = None
    timeout: str | None = None
    failure_threshold: int | None = None
    success_threshold: int | None = None


@dataclass(frozen=True)
class OnlineDeployment:
    name: str
    model: str  # azureml://registries/<registry>/models/<model>/versions/<version>
    instance_type: str
    instance_count: int
    max_concurrent_requests: int | None
    request_timeout: str | None
    liveness: Probe | None
    readiness: Probe | None


@dataclass(frozen=True)
class OnlineEndpoint:
    name: str
    auth_mode: str  # Key | AMLToken | AADToken
    public_network_access: str
    deployments: tuple[OnlineDeployment, ...]
    traffic: tuple[tuple[str, int], ...]  # every deployment, by name; a deployment left out gets 0


@dataclass(frozen=True)
class HubProject:
    name: str
    display_name: str
    description: str | None
    serverless_endpoints: tuple[ServerlessEndpoint, ...]
    online_endpoints: tuple[OnlineEndpoint, ...]


@dataclass(frozen=True)
class Hub:
    key: str
    name: str
    location: str
    description: str | None
    storage_account_id: str | None  # None: the kit creates `create_storage_account`
    key_vault_id: str | None  # None: the kit creates `create_key_vault`
    application_insights_id: str | None
    container_registry_id: str | None
    create_storage_account: str | None
    create_key_vault: str | None
    identity: Identity
    public_network_access: str
    managed_network: str
    projects: tuple[HubProject, ...]
    tags: Tags
    protect: bool


@dataclass(frozen=True)
class ResourceGroup:
    name: str
    location: str | None
    create: bool


@dataclass(frozen=True)
class Manifest:
    resource_group: ResourceGroup
    tags: Tags
    content_filters: tuple[ContentFilter, ...]
    blocklists: tuple[Blocklist, ...]
    quotas: tuple[Quota, ...]
    accounts: tuple[Account, ...]
    hubs: tuple[Hub, ...] = ()
    core_quotas: tuple[CoreQuota, ...] = ()

    def content_filter(self, name: str) -> ContentFilter | None:
        return next((f for f in self.content_filters if f.name == name), None)

    def blocklist(self, name: str) -> Blocklist:
        return next(b for b in self.blocklists if b.name == name)


def build(data: Mapping[str, Any]) -> Manifest:
    """Validated document data -> `Manifest`, with every default applied."""
    location = data.get("location")
    tags = data.get("tags") or {}
    group = data["resourceGroup"]
    return Manifest(
        resource_group=ResourceGroup(group["name"], location, group.get("create", True)),
        tags=_tags(tags),
        content_filters=tuple(_content_filter(name, spec) for name, spec in sorted((data.get("contentFilters") or {}).items())),
        blocklists=tuple(_blocklist(name, spec) for name, spec in sorted((data.get("blocklists") or {}).items())),
        quotas=tuple(sorted(Quota(q["location"], q["sku"], q["model"], q["limit"])
                            for q in data.get("quotas") or [] if "vmFamily" not in q)),
        accounts=tuple(sorted((_account(key, spec, location, tags) for key, spec in data["accounts"].items()),
                              key=lambda account: account.name.lower())),
        hubs=tuple(sorted((_hub(key, spec, location, tags) for key, spec in (data.get("hubs") or {}).items()),
                          key=lambda hub: hub.name.lower())),
        core_quotas=tuple(sorted(CoreQuota(q["location"], q["vmFamily"], q["limit"])
                                 for q in data.get("quotas") or [] if "vmFamily" in q)),
    )


def subdomain_of(spec: Mapping[str, Any]) -> str:
    return spec.get("subdomain") or spec["name"]


def private_endpoint_name(account_name: str, spec: Mapping[str, Any]) -> str:
    vnet = spec["subnetId"].split("/")[8]
    return spec.get("name") or f"pe-{account_name}-{vnet}"


def _account(key: str, spec: Mapping[str, Any], default_location: str | None, stack_tags: Mapping[str, str]) -> Account:
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
        identity=_identity(spec.get("identity", "SystemAssigned")),
        diagnostics=_diagnostics(spec["name"], spec.get("diagnostics")),
        role_assignments=tuple(sorted(
            (RoleAssignment(ra["principalId"].lower(), ra.get("principalType"), role_definition_guid(ra["role"]))
             for ra in spec.get("roleAssignments") or []),
            key=lambda ra: (ra.principal_id, ra.role_definition_guid))),
        projects=tuple(Project(name, project.get("displayName", name), project.get("description"),
                               project.get("location") or location)
                       for name, project in sorted((spec.get("projects") or {}).items())),
        deployments=tuple(_deployment(name, deployment)
                          for name, deployment in sorted((spec.get("deployments") or {}).items())),
        tags=_tags({**stack_tags, **(spec.get("tags") or {})}),
        protect=spec.get("protect", True),
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
    )


def _model_provider_data(spec: Mapping[str, Any] | None) -> ModelProviderData | None:
    if spec is None:
        return None
    return ModelProviderData(spec["organizationName"], spec["countryCode"], spec["industry"])


def _network_acls(spec: Mapping[str, Any] | None) -> NetworkAcls | None:
    if spec is None:
        return None
    return NetworkAcls(spec["defaultAction"], spec.get("bypass", "AzureServices"),
                       tuple(sorted(spec.get("ipRules") or [])), tuple(sorted(spec.get("virtualNetworkRules") or [])))


def _identity(spec: Any) -> Identity:
    if isinstance(spec, str):
        return Identity(spec)
    kind = "SystemAssigned, UserAssigned" if spec.get("systemAssigned") else "UserAssigned"
    return Identity(kind, tuple(sorted(spec["userAssigned"])))


def _diagnostics(account_name: str, spec: Mapping[str, Any] | None) -> Diagnostics | None:
    if spec is None:
        return None
    return Diagnostics(spec.get("name") or f"diag-{account_name}", spec["logAnalyticsWorkspaceId"])


def _content_filter(name: str, spec: Mapping[str, Any]) -> ContentFilter:
    settings = tuple(HarmSetting(category, source, setting)
                     for source in ("prompt", "completion")
                     for category, setting in sorted((spec.get(source) or {}).items()))
    return ContentFilter(name, spec.get("base", DEFAULT_CONTENT_FILTER), spec.get("mode", "Default"), settings,
                         tuple(sorted(set(spec.get("blocklists") or []))))


def _blocklist(name: str, spec: Mapping[str, Any]) -> Blocklist:
    items = (BlocklistItem(item, False) if isinstance(item, str) else BlocklistItem(item["pattern"], item.get("regex", False))
             for item in spec.get("items") or [])
    return Blocklist(name, spec.get("description"), tuple(sorted(items, key=lambda item: (item.pattern, item.regex))))


def registry_of(model_id: str) -> str:
    """`azureml://registries/<registry>/models/...` -> `<registry>`."""
    return model_id.split("/")[3] if model_id.startswith("azureml://registries/") else ""


def _hub(key: str, spec: Mapping[str, Any], default_location: str | None, stack_tags: Mapping[str, str]) -> Hub:
    location = spec.get("location") or default_location
    assert location, "validation guarantees a location"
    create = spec.get("create") or {}
    public_network_access = spec.get("publicNetworkAccess", "Enabled")
    return Hub(
        key=key,
        name=spec["name"],
        location=location,
        description=spec.get("description"),
        storage_account_id=spec.get("storageAccountId"),
        key_vault_id=spec.get("keyVaultId"),
        application_insights_id=spec.get("applicationInsightsId"),
        container_registry_id=spec.get("containerRegistryId"),
        create_storage_account=create.get("storageAccount"),
        create_key_vault=create.get("keyVault"),
        identity=_identity(spec.get("identity", "SystemAssigned")),
        public_network_access=public_network_access,
        managed_network=spec.get("managedNetwork", "AllowInternetOutbound"),
        projects=tuple(_hub_project(name, project, public_network_access)
                       for name, project in sorted((spec.get("projects") or {}).items())),
        tags=_tags({**stack_tags, **(spec.get("tags") or {})}),
        protect=spec.get("protect", True),
    )


def _hub_project(name: str, spec: Mapping[str, Any], public_network_access: str) -> HubProject:
    return HubProject(
        name=name,
        display_name=spec.get("displayName", name),
        description=spec.get("description"),
        serverless_endpoints=tuple(
            ServerlessEndpoint(endpoint, e["modelId"], e.get("authMode", "Key"), e.get("contentSafety", True),
                               e.get("marketplaceSubscription", registry_of(e["modelId"]) != "azureml"))
            for endpoint, e in sorted((spec.get("serverlessEndpoints") or {}).items())),
        online_endpoints=tuple(_online_endpoint(endpoint, e, public_network_access)
                               for endpoint, e in sorted((spec.get("onlineEndpoints") or {}).items())),
    )


def _online_endpoint(name: str, spec: Mapping[str, Any], public_network_access: str) -> OnlineEndpoint:
    deployments = tuple(_online_deployment(deployment, d) for deployment, d in sorted((spec.get("deployments") or {}).items()))
    given = spec.get("traffic")
    if given is None:
        given = {deployments[0].name: 100} if len(deployments) == 1 else {}
    return OnlineEndpoint(
        name=name,
        auth_mode=spec.get("authMode", "Key"),
        public_network_access=spec.get("publicNetworkAccess", public_network_access),
        deployments=deployments,
        traffic=tuple((d.name, given.get(d.name, 0)) for d in deployments),
    )


def _online_deployment(name: str, spec: Mapping[str, Any]) -> OnlineDeployment:
    requests = spec.get("requestSettings") or {}
    probes = spec.get("probes") or {}
    return OnlineDeployment(
        name=name,
        model=spec["model"],
        instance_type=spec["instanceType"],
        instance_count=spec.get("instanceCount", 1),
        max_concurrent_requests=requests.get("maxConcurrentRequestsPerInstance"),
        request_timeout=requests.get("requestTimeout"),
        liveness=_probe(probes.get("liveness")),
        readiness=_probe(probes.get("readiness")),
    )


def _probe(spec: Mapping[str, Any] | None) -> Probe | None:
    if spec is None:
        return None
    return Probe(spec.get("initialDelay"), spec.get("period"), spec.get("timeout"), spec.get("failureThreshold"),
                 spec.get("successThreshold"))


def _tags(tags: Mapping[str, str]) -> Tags:
    return tuple(sorted(tags.items()))
