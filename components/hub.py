"""A Foundry hub (an Azure Machine Learning workspace of kind Hub) and everything under it:
the storage account and key vault the kit creates for it when asked, its projects, and their
serverless and managed online endpoints."""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi_azure_native import authorization, keyvault, machinelearningservices, storage

from foundry_estate.manifest.model import Hub as HubSpec
from foundry_estate.manifest.model import Identity

from .endpoints import hub_outputs
from .hub_endpoints import OnlineEndpoint, ServerlessEndpoint
from .naming import child_name
from .scope import WorkspaceScope
from .serial import WriteQueue

WORKSPACE_SKU = {"name": "Basic", "tier": "Basic"}


def workspace_identity(identity: Identity) -> dict[str, Any]:
    """Machine Learning spells the combined type without the space Cognitive Services has."""
    result: dict[str, Any] = {"type": identity.type.replace(", ", ",")}
    if identity.user_assigned:
        result["user_assigned_identities"] = list(identity.user_assigned)
    return result


def hub_arguments(spec: HubSpec, storage_account: pulumi.Input[str], key_vault: pulumi.Input[str]) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "kind": "Hub",
        "sku": WORKSPACE_SKU,
        "identity": workspace_identity(spec.identity),
        "storage_account": storage_account,
        "key_vault": key_vault,
        "public_network_access": spec.public_network_access,
        "managed_network": {"isolation_mode": spec.managed_network},
    }
    if spec.identity.type == "UserAssigned":
        arguments["primary_user_assigned_identity"] = spec.identity.user_assigned[0]
    if spec.create_storage_account:
        arguments["system_datastores_auth_mode"] = "Identity"  # the created account has no shared key
    for key, value in (("application_insights", spec.application_insights_id),
                       ("container_registry", spec.container_registry_id), ("description", spec.description)):
        if value:
            arguments[key] = value
    return arguments


class FoundryHub(pulumi.ComponentResource):
    """A `machinelearningservices.Workspace` of kind Hub with its projects and their endpoints.

    The hub is protected unless `protect: false` (and so are the storage account and key vault
    the kit creates for it). Writes under one workspace run one at a time: the hub's projects,
    each after the one before; in each project its marketplace subscriptions, serverless
    endpoints, online endpoints and their deployments. Different projects proceed in parallel.
    """

    def __init__(self, name: str, spec: HubSpec, resource_group_name: pulumi.Input[str],
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__("foundry-kit:index:FoundryHub", name, None, opts)
        placed: dict[str, Any] = {"resource_group_name": resource_group_name, "location": spec.location,
                                  "tags": dict(spec.tags)}
        kept = pulumi.ResourceOptions(parent=self, protect=spec.protect)
        storage_account: pulumi.Input[str] | None = spec.storage_account_id
        if spec.create_storage_account:
            storage_account = storage.StorageAccount(
                spec.create_storage_account,
                account_name=spec.create_storage_account,
                kind="StorageV2",
                sku={"name": "Standard_LRS"},
                allow_blob_public_access=False,
                allow_shared_key_access=False,
                enable_https_traffic_only=True,
                minimum_tls_version="TLS1_2",
                **placed,
                opts=kept).id
        key_vault: pulumi.Input[str] | None = spec.key_vault_id
        if spec.create_key_vault:
            key_vault = keyvault.Vault(
                spec.create_key_vault,
                vault_name=spec.create_key_vault,
                properties={
                    "tenant_id": authorization.get_client_config_output().tenant_id,
                    "sku": {"family": "A", "name": "standard"},
                    "enable_rbac_authorization": True,
                    "enable_soft_delete": True,
                    "soft_delete_retention_in_days": 90,
                    "enable_purge_protection": True,
                },
                **placed,
                opts=kept).id
        assert storage_account is not None and key_vault is not None, "validation guarantees both"
        self.hub = machinelearningservices.Workspace(
            name,
            workspace_name=spec.name,
            **placed,
            opts=kept,
            **hub_arguments(spec, storage_account, key_vault))
        queue = WriteQueue(self.hub)
        projects = {}
        for project in spec.projects:
            workspace = queue.write(lambda o, project=project: machinelearningservices.Workspace(
                child_name(spec.name, project.name),
                workspace_name=project.name,
                kind="Project",
                sku=WORKSPACE_SKU,
                hub_resource_id=self.hub.id,
                identity={"type": "SystemAssigned"},
                friendly_name=project.display_name,
                **({"description": project.description} if project.description else {}),
                **placed,
                opts=o), pulumi.ResourceOptions(parent=self))  # a workspace of its own: Azure keeps it apart from the hub
            scope = WorkspaceScope(spec.name, project.name, resource_group_name, spec.location, placed["tags"], workspace)
            writes = WriteQueue(workspace)
            projects[project.name] = (
                [ServerlessEndpoint(scope.child(e.name), e, scope, writes, pulumi.ResourceOptions(parent=self))
                 for e in project.serverless_endpoints],
                [OnlineEndpoint(scope.child(e.name), e, scope, writes, pulumi.ResourceOptions(parent=self))
                 for e in project.online_endpoints])
        self.outputs = hub_outputs(spec, projects)
        self.register_outputs(self.outputs)
