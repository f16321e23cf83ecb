"""A Foundry account and everything under it."""

from __future__ import annotations

from typing import Any, Sequence

import pulumi
from pulumi_azure_native import authorization, cognitiveservices, monitor

from foundry_estate.manifest.model import Account as AccountSpec
from foundry_estate.manifest.model.accounts import VirtualNetworkRule
from foundry_estate.manifest.model.common import Identity
from foundry_estate.manifest.model import Blocklist as BlocklistSpec
from foundry_estate.manifest.model import ContentFilter as ContentFilterSpec

from .content_filter import Blocklist, ContentFilter
from .deployment import ModelDeployment, serial_order
from .endpoints import account_outputs
from .naming import child_name, role_assignment_name
from .network import private_endpoint
from .adoption import Adoption, importing
from .scope import AccountScope
from .serial import WriteQueue


def account_properties(spec: AccountSpec) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "custom_sub_domain_name": spec.subdomain,
        "disable_local_auth": not spec.local_auth,
        "public_network_access": spec.public_network_access,
    }
    if spec.kind == "AIServices":
        properties["allow_project_management"] = True
    if spec.network_acls:
        acls = spec.network_acls
        # empty lists are not sent: azure-native reads none back, so `[]` would be a difference
        properties["network_acls"] = {
            "default_action": acls.default_action,
            "bypass": acls.bypass,
            **({"ip_rules": [{"value": rule} for rule in acls.ip_rules]} if acls.ip_rules else {}),
            **({"virtual_network_rules": [_subnet_rule(rule) for rule in acls.virtual_network_rules]}
               if acls.virtual_network_rules else {}),
        }
    if spec.default_project is not None:
        properties["default_project"] = spec.default_project
    if spec.associated_projects is not None:
        properties["associated_projects"] = list(spec.associated_projects)
    if spec.restrict_outbound is not None:
        properties["restrict_outbound_network_access"] = spec.restrict_outbound
    if spec.allowed_fqdns:
        properties["allowed_fqdn_list"] = list(spec.allowed_fqdns)
    return properties


def _subnet_rule(rule: VirtualNetworkRule) -> dict[str, Any]:
    found: dict[str, Any] = {"id": rule.id}
    if rule.ignore_missing_endpoint is not None:
        found["ignore_missing_vnet_service_endpoint"] = rule.ignore_missing_endpoint
    if rule.state is not None:
        found["state"] = rule.state
    return found


def identity(spec: Identity) -> dict[str, Any]:
    result: dict[str, Any] = {"type": spec.type}
    if spec.user_assigned:
        result["user_assigned_identities"] = list(spec.user_assigned)
    return result


class FoundryAccount(pulumi.ComponentResource):
    """A `cognitiveservices.Account` with its filters, deployments, projects and network.

    Writes under the account run one at a time in a fixed order: blocklists, content
    filters, deployments, projects, private endpoints. Diagnostic settings and role
    assignments are written by other resource providers and run in parallel.
    """

    def __init__(self, name: str, spec: AccountSpec, resource_group_name: pulumi.Input[str],
                 content_filters: Sequence[ContentFilterSpec], blocklists: Sequence[BlocklistSpec],
                 opts: pulumi.ResourceOptions | None = None, adoption: Adoption | None = None):
        super().__init__("foundry-kit:index:FoundryAccount", name, None, opts)
        tags = dict(spec.tags)
        self.account = cognitiveservices.Account(
            name,
            account_name=spec.name,
            resource_group_name=resource_group_name,
            location=spec.location,
            kind=spec.kind,
            sku={"name": spec.sku},
            identity=identity(spec.identity),
            properties=account_properties(spec),
            tags=tags or None,
            opts=importing(pulumi.ResourceOptions(parent=self, protect=spec.protect),
                           adoption.account_id(spec.name) if adoption else None))
        scope = AccountScope(spec.name, resource_group_name, tags, self.account, adoption)
        queue = WriteQueue(self.account)
        children = scope.inside(self)

        for blocklist in blocklists:
            Blocklist(child_name(spec.name, blocklist.name), blocklist, scope, queue, children)
        for content_filter in content_filters:
            ContentFilter(child_name(spec.name, content_filter.name), content_filter, scope, queue, children)
        for deployment in serial_order(spec.deployments):
            ModelDeployment(child_name(spec.name, deployment.name), deployment, scope, queue, children)
        for project in spec.projects:
            queue.write(lambda o, project=project: cognitiveservices.Project(
                child_name(spec.name, project.name),
                account_name=spec.name,
                resource_group_name=resource_group_name,
                project_name=project.name,
                location=project.location,
                # a project without an identity in Azure has none in its body (the spec's GetProject
                # example): None sends none, so the read-back (no identity) equals it
                identity=identity(project.identity) if project.identity.type != "None" else None,
                properties={"display_name": project.display_name,
                            **({"description": project.description} if project.description else {})},
                tags=scope.tags_of(project.tags),
                opts=o), scope.inside(self, "projects", project.name))
        for endpoint in spec.private_endpoints:
            private_endpoint(endpoint, scope, self.account.id, queue, self)

        if spec.diagnostics:
            monitor.DiagnosticSetting(
                child_name(spec.name, spec.diagnostics.name),
                name=spec.diagnostics.name,
                resource_uri=self.account.id,
                workspace_id=spec.diagnostics.workspace_id,
                logs=[{"category_group": "allLogs", "enabled": True}],
                metrics=[{"category": "AllMetrics", "enabled": True}],
                opts=children)
        if spec.role_assignments:
            subscription = authorization.get_client_config_output().subscription_id
            for assignment in spec.role_assignments:
                role_name = role_assignment_name(spec.subdomain, assignment.principal_id, assignment.role_definition_guid)
                authorization.RoleAssignment(
                    child_name(spec.name, role_name),
                    role_assignment_name=role_name,
                    scope=self.account.id,
                    principal_id=assignment.principal_id,
                    principal_type=assignment.principal_type,
                    role_definition_id=subscription.apply(
                        lambda subscription_id, guid=assignment.role_definition_guid: role_definition_id(subscription_id, guid)),
                    opts=children)

        self.outputs = account_outputs(spec, self.account)
        self.register_outputs(self.outputs)


def role_definition_id(subscription_id: str, guid: str) -> str:
    """The role definition id in the subscription the provider deploys to (the account's):
    known at preview, so a plan shows which role a change grants."""
    return f"/subscriptions/{subscription_id}/providers/Microsoft.Authorization/roleDefinitions/{guid}"
