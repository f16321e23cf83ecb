"""What a team hands to applications: endpoints per account, deployment and project.

The URLs follow from the custom subdomain, which the manifest fixes, so they are known
before anything is created and read plainly in a plan.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi_azure_native import cognitiveservices

from foundry_kit.manifest import Account as AccountSpec


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
