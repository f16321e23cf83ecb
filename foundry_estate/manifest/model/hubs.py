"""The typed manifest: hubs, their projects and endpoints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from foundry_estate.manifest.model.common import Identity, Tags, identity_of, sorted_tags


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


def registry_of(model_id: str) -> str:
    """`azureml://registries/<registry>/models/...` -> `<registry>`."""
    return model_id.split("/")[3] if model_id.startswith("azureml://registries/") else ""


def hub(key: str, spec: Mapping[str, Any], default_location: str | None, stack_tags: Mapping[str, str]) -> Hub:
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
        identity=identity_of(spec.get("identity", "SystemAssigned")),
        public_network_access=public_network_access,
        managed_network=spec.get("managedNetwork", "AllowInternetOutbound"),
        projects=tuple(_hub_project(name, project, public_network_access)
                       for name, project in sorted((spec.get("projects") or {}).items())),
        tags=sorted_tags({**stack_tags, **(spec.get("tags") or {})}),
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
