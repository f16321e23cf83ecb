"""A model deployment on a Foundry account: what applications call by name."""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi_azure_native import cognitiveservices

from foundry_kit.manifest import Deployment as DeploymentSpec

from .scope import AccountScope
from .serial import WriteQueue


def deployment_properties(spec: DeploymentSpec) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "model": {"format": spec.model.format, "name": spec.model.name, "version": spec.model.version},
        "rai_policy_name": spec.content_filter,
        "version_upgrade_option": spec.version_upgrade,
    }
    if spec.spillover:
        properties["spillover_deployment_name"] = spec.spillover
    return properties


class ModelDeployment(pulumi.ComponentResource):
    """One `cognitiveservices.Deployment`: model pinned to a version, SKU, capacity, filter."""

    def __init__(self, name: str, spec: DeploymentSpec, account: AccountScope, queue: WriteQueue,
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__("foundry-kit:index:ModelDeployment", name, None, opts)
        self.deployment = queue.write(lambda o: cognitiveservices.Deployment(
            name,
            account_name=account.name,
            resource_group_name=account.resource_group_name,
            deployment_name=spec.name,
            sku={"name": spec.sku, "capacity": spec.capacity},
            properties=deployment_properties(spec),
            tags=account.tags,
            opts=o), account.inside(self))
        self.register_outputs({"deploymentName": spec.name})


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
