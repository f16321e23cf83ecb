"""A model deployment on a Foundry account: what applications call by name.

Anthropic (Claude) deployments go through the generic ARM resource. Azure refuses them
without `properties.modelProviderData` (`InvalidModelProviderData`), which the typed
`cognitiveservices.Deployment` cannot send: pulumi-azure-native 3.29 types it from the REST
spec 2025-06-01, and no published spec version declares the property (Azure/azure-rest-api-specs
#43610). `resources.Resource` of the same provider PUTs an untyped `properties` at the API version
it is given, so for exactly those deployments the kit sends the typed body plus
`modelProviderData` to `Microsoft.CognitiveServices/accounts/{account}/deployments/{name}` at
`MODEL_PROVIDER_DATA_API_VERSION`. Alternatives: a local SDK of a newer API version
(`pulumi package add azure-native cognitiveservices <version>`) is typed from the same specs, so it
lacks the property too; a dynamic provider or the azapi/command plugin would add code that runs
outside azure-native (its own credentials and state). The price: a deployment that switches
between Anthropic and another format under one name changes Pulumi type, and Pulumi creates the new
resource (a PUT on the same Azure deployment) before it deletes the old one (see the README, Claude).
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi_azure_native import cognitiveservices, resources

from foundry_estate.azure import resource_types as types
from foundry_estate.manifest.model import Deployment as DeploymentSpec

from .scope import AccountScope
from .serial import WriteQueue

# The API version Anthropic deployments are written at: the RP accepts modelProviderData there
# (a working azapi configuration in hashicorp/terraform-provider-azurerm#31140, 2026-01).
MODEL_PROVIDER_DATA_API_VERSION = "2025-10-01-preview"


def deployment_properties(spec: DeploymentSpec) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "model": {"format": spec.model.format, "name": spec.model.name, "version": spec.model.version},
        "rai_policy_name": spec.content_filter,
    }
    if spec.version_upgrade is not None:
        properties["version_upgrade_option"] = spec.version_upgrade
    if spec.spillover:
        properties["spillover_deployment_name"] = spec.spillover
    return properties


def provider_data_properties(spec: DeploymentSpec) -> dict[str, Any]:
    """The typed resource's properties as ARM spells them, plus modelProviderData: the generic
    resource passes `properties` through untouched, so nothing converts its names."""
    data = spec.model_provider_data
    assert data is not None, "only Anthropic deployments carry provider data"
    return {**{_arm_name(key): value for key, value in deployment_properties(spec).items()},
            "modelProviderData": {"organizationName": data.organization_name, "countryCode": data.country_code,
                                  "industry": data.industry}}


def _arm_name(snake: str) -> str:
    first, *rest = snake.split("_")
    return first + "".join(word.capitalize() for word in rest)


class ModelDeployment(pulumi.ComponentResource):
    """One `cognitiveservices.Deployment`: model pinned to a version, SKU, capacity, filter.
    With provider data (Anthropic models), the generic `resources.Resource` instead (see above)."""

    def __init__(self, name: str, spec: DeploymentSpec, account: AccountScope, queue: WriteQueue,
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__("foundry-kit:index:ModelDeployment", name, None, opts)
        sku = {"name": spec.sku, "capacity": spec.capacity}
        if spec.model_provider_data:
            self.deployment: pulumi.CustomResource = queue.write(lambda o: resources.Resource(
                name,
                resource_group_name=account.resource_group_name,
                resource_provider_namespace="Microsoft.CognitiveServices",
                parent_resource_path=f"accounts/{account.name}",
                resource_type="deployments",
                resource_name_=spec.name,
                api_version=MODEL_PROVIDER_DATA_API_VERSION,
                sku=sku,
                properties=provider_data_properties(spec),
                tags=account.tags_of(spec.tags),
                opts=o), left_to_azure(account.inside(self, "deployments", spec.name)))
        else:
            self.deployment = queue.write(lambda o: cognitiveservices.Deployment(
                name,
                account_name=account.name,
                resource_group_name=account.resource_group_name,
                deployment_name=spec.name,
                sku=sku,
                properties=deployment_properties(spec),
                tags=account.tags_of(spec.tags),
                opts=o), left_to_azure(account.inside(self, "deployments", spec.name)))
        self.register_outputs({"deploymentName": spec.name})


def left_to_azure(opts: pulumi.ResourceOptions) -> pulumi.ResourceOptions:
    """What Azure manages itself on a deployment (the type table's `managed_by_azure`: its
    `currentCapacity`) is left to it: Pulumi copies what it read instead of sending the program's."""
    return pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(
        ignore_changes=list(types.BY_TOKEN[types.DEPLOYMENT].managed_by_azure)))


def serial_order(deployments: tuple[DeploymentSpec, ...]) -> list[DeploymentSpec]:
    """By name, except that a spillover target is written before the deployment naming it."""
    by_name = {d.name: d for d in deployments}
    ordered: list[DeploymentSpec] = []
    placed: set[str] = set()

    def place(spec: DeploymentSpec) -> None:
        if spec.name in placed:
            return
        placed.add(spec.name)
        if spec.spillover and spec.spillover in by_name:
            place(by_name[spec.spillover])
        ordered.append(spec)

    for spec in deployments:
        place(spec)
    return ordered
