"""What a team hands to applications: endpoints per account, deployment and project, and the
scoring URI of every endpoint of a hub's projects.

Account URLs follow from the custom subdomain, which the manifest fixes, so they are known
before anything is created and read plainly in a plan. Azure computes the scoring URIs of
serverless and online endpoints, so a plan shows them as known after apply.
"""

from __future__ import annotations

from typing import Any

from pulumi_azure_native import cognitiveservices, machinelearningservices

from foundry_estate.manifest.model import Account as AccountSpec
from foundry_estate.manifest.model import Hub as HubSpec
from foundry_estate.manifest.model import OnlineEndpoint as OnlineEndpointSpec
from foundry_estate.manifest.model import ServerlessEndpoint as ServerlessEndpointSpec


def openai_base_url(spec: AccountSpec) -> str:
    return f"https://{spec.subdomain}.openai.azure.com/openai/v1/"


def inference_endpoint(spec: AccountSpec) -> str | None:
    return f"https://{spec.subdomain}.services.ai.azure.com/models" if spec.kind == "AIServices" else None


def project_endpoint(spec: AccountSpec, project: str) -> str:
    return f"https://{spec.subdomain}.services.ai.azure.com/api/projects/{project}"


def account_outputs(spec: AccountSpec, account: cognitiveservices.Account) -> dict[str, Any]:
    return {
        "name": spec.name,
        "endpoint": account.properties.apply(lambda properties: properties.endpoint if properties else None),
        "openaiBaseUrl": openai_base_url(spec),
        "inferenceEndpoint": inference_endpoint(spec),
        "deployments": {
            deployment.name: {
                "name": deployment.name,
                "model": {"format": deployment.model.format, "name": deployment.model.name,
                          "version": deployment.model.version},
                "sku": deployment.sku,
                "capacity": deployment.capacity,
                "openaiBaseUrl": openai_base_url(spec),
                "inferenceEndpoint": inference_endpoint(spec),
            }
            for deployment in spec.deployments
        },
        "projects": {project.name: {"endpoint": project_endpoint(spec, project.name)} for project in spec.projects},
    }


def serverless_outputs(spec: ServerlessEndpointSpec, endpoint: machinelearningservices.ServerlessEndpoint) -> dict[str, Any]:
    """Azure computes the scoring URI of a serverless endpoint: known after apply."""
    return {
        "name": spec.name,
        "modelId": spec.model_id,
        "authMode": spec.auth_mode,
        "scoringUri": endpoint.properties.apply(
            lambda properties: properties.inference_endpoint.uri if properties and properties.inference_endpoint else None),
    }


def online_outputs(spec: OnlineEndpointSpec, endpoint: machinelearningservices.OnlineEndpoint) -> dict[str, Any]:
    """Azure computes the scoring URI of an online endpoint: known after apply."""
    return {
        "name": spec.name,
        "authMode": spec.auth_mode,
        "scoringUri": endpoint.properties.apply(lambda properties: properties.scoring_uri if properties else None),
        "traffic": dict(spec.traffic),
        "deployments": {d.name: {"model": d.model, "instanceType": d.instance_type, "instanceCount": d.instance_count}
                        for d in spec.deployments},
    }


def hub_outputs(spec: HubSpec, projects: dict[str, tuple[list[Any], list[Any]]]) -> dict[str, Any]:
    """Per project, its endpoints (keyed by Azure name) from the components' outputs."""
    return {
        "name": spec.name,
        "location": spec.location,
        "projects": {
            name: {"serverlessEndpoints": {e.outputs["name"]: e.outputs for e in serverless},
                   "onlineEndpoints": {e.outputs["name"]: e.outputs for e in online}}
            for name, (serverless, online) in projects.items()
        },
    }
