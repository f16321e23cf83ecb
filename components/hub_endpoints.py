"""Endpoints of a hub-based project: serverless API endpoints (a catalog model billed per
token, after the project subscribes to its Marketplace offer where one is needed) and managed
online endpoints (open-weight models on VMs of the subscription, with a traffic split across
their deployments)."""

from __future__ import annotations

import re
from typing import Any

import pulumi
from pulumi_azure_native import machinelearningservices

from foundry_estate.azure.resource_types import TRAFFIC_WRITE
from foundry_estate.manifest.model import OnlineDeployment as OnlineDeploymentSpec
from foundry_estate.manifest.model import OnlineEndpoint as OnlineEndpointSpec
from foundry_estate.manifest.model import Probe
from foundry_estate.manifest.model import ServerlessEndpoint as ServerlessEndpointSpec

from .endpoints import online_outputs, serverless_outputs
from .scope import WorkspaceScope
from .serial import WriteQueue


def subscription_name(spec: ServerlessEndpointSpec) -> str:
    """One Marketplace subscription per model and project, named after the model (the
    characters endpoint names allow; Azure allows one serverless endpoint per model and project)."""
    return re.sub(r"[^A-Za-z0-9-]", "-", spec.model_name)


class ServerlessEndpoint(pulumi.ComponentResource):
    """A `machinelearningservices.ServerlessEndpoint`, preceded by the project's
    `MarketplaceSubscription` to the model when the model needs one."""

    def __init__(self, name: str, spec: ServerlessEndpointSpec, project: WorkspaceScope, queue: WriteQueue,
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__("foundry-kit:index:ServerlessEndpoint", name, None, opts)
        if spec.marketplace_subscription:
            self.subscription = queue.write(lambda o: machinelearningservices.MarketplaceSubscription(
                project.child(subscription_name(spec)),
                name=subscription_name(spec),
                properties={"model_id": spec.model_id},
                **project.placement(tracked=False),
                opts=o), project.inside(self))
        self.endpoint = queue.write(lambda o: machinelearningservices.ServerlessEndpoint(
            name,
            name=spec.name,
            sku={"name": "Consumption"},
            properties={
                "auth_mode": spec.auth_mode,
                "content_safety": {"content_safety_status": "Enabled" if spec.content_safety else "Disabled"},
                "model_settings": {"model_id": spec.model_id},
            },
            **project.placement(),
            opts=o), project.inside(self))
        self.outputs = serverless_outputs(spec, self.endpoint)
        self.register_outputs(self.outputs)


def _probe(probe: Probe | None) -> machinelearningservices.ProbeSettingsArgs | None:
    if probe is None:
        return None
    return machinelearningservices.ProbeSettingsArgs(
        initial_delay=probe.initial_delay, period=probe.period, timeout=probe.timeout,
        failure_threshold=probe.failure_threshold, success_threshold=probe.success_threshold)


def online_deployment_properties(spec: OnlineDeploymentSpec) -> machinelearningservices.ManagedOnlineDeploymentArgs:
    requests = None
    if spec.max_concurrent_requests is not None or spec.request_timeout is not None:
        requests = machinelearningservices.OnlineRequestSettingsArgs(
            max_concurrent_requests_per_instance=spec.max_concurrent_requests, request_timeout=spec.request_timeout)
    return machinelearningservices.ManagedOnlineDeploymentArgs(
        endpoint_compute_type="Managed",
        model=spec.model,
        instance_type=spec.instance_type,
        scale_settings=machinelearningservices.DefaultScaleSettingsArgs(scale_type="Default"),
        request_settings=requests,
        liveness_probe=_probe(spec.liveness),
        readiness_probe=_probe(spec.readiness),
    )


def online_endpoint_properties(spec: OnlineEndpointSpec, traffic: bool = True) -> dict[str, Any]:
    """The endpoint's body; with `traffic`, its split (every deployment named: a left-out one gets 0)."""
    properties: dict[str, Any] = {"auth_mode": spec.auth_mode, "public_network_access": spec.public_network_access}
    if traffic:
        properties["traffic"] = dict(spec.traffic)
    return properties


class OnlineEndpoint(pulumi.ComponentResource):
    """A managed `machinelearningservices.OnlineEndpoint`, then one `OnlineDeployment` per
    deployment, each written after the one before, then the traffic split.

    The split is a property of the endpoint, and Azure routes traffic only to deployments that
    exist: Microsoft's samples create the endpoint, then its deployments, then set the traffic.
    So the endpoint is written first without it, and written again with the split at the end of
    the same chain (`<name>/~traffic`, the same Azure endpoint and body plus `traffic`; it is
    written again whenever the endpoint or its split changes). That second write never deletes
    the endpoint (`retain_on_delete`): the endpoint resource owns it."""

    def __init__(self, name: str, spec: OnlineEndpointSpec, project: WorkspaceScope, queue: WriteQueue,
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__("foundry-kit:index:OnlineEndpoint", name, None, opts)
        self.endpoint = queue.write(lambda o: machinelearningservices.OnlineEndpoint(
            name,
            endpoint_name=spec.name,
            identity={"type": "SystemAssigned"},
            properties=online_endpoint_properties(spec, traffic=False),
            **project.placement(),
            opts=o), project.inside(self))
        self.deployments = [
            queue.write(lambda o, deployment=deployment: machinelearningservices.OnlineDeployment(
                project.child(spec.name, deployment.name),
                deployment_name=deployment.name,
                endpoint_name=spec.name,
                sku={"name": "Default", "capacity": deployment.instance_count},
                properties=online_deployment_properties(deployment),
                **project.placement(),
                opts=o), project.inside(self, self.endpoint))
            for deployment in spec.deployments
        ]
        self.traffic = queue.write(lambda o: machinelearningservices.OnlineEndpoint(
            name + TRAFFIC_WRITE,
            endpoint_name=spec.name,
            identity={"type": "SystemAssigned"},
            properties=online_endpoint_properties(spec),
            **project.placement(),
            opts=o), pulumi.ResourceOptions.merge(project.inside(self, self.endpoint),
                                                 pulumi.ResourceOptions(retain_on_delete=True)))
        self.outputs = online_outputs(spec, self.endpoint)
        self.register_outputs(self.outputs)
