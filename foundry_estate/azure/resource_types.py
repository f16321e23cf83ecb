"""Every Azure resource type the kit registers, one entry each: what the kit knows about it.

An entry says how the type is named in Azure (its Azure-name input), what a reviewer calls it
and which of its inputs matter (plans, diffs), what Azure cannot change in place (diffs),
where it lives (so a rename is told from a new resource), what deleting it means, whether the
guardrails read it, and the ARM REST operation azure-native sends for it (the conformance
tests check recorded inputs against that spec). A new resource type is one new entry.

The table is in reading order: plans and diffs list an account's resources in this order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any, Callable

from foundry_estate.azure import key_inputs

RESOURCE_GROUP = "azure-native:resources:ResourceGroup"
ACCOUNT = "azure-native:cognitiveservices:Account"
BLOCKLIST = "azure-native:cognitiveservices:RaiBlocklist"
BLOCKLIST_ITEM = "azure-native:cognitiveservices:RaiBlocklistItem"
RAI_POLICY = "azure-native:cognitiveservices:RaiPolicy"
DEPLOYMENT = "azure-native:cognitiveservices:Deployment"
PROJECT = "azure-native:cognitiveservices:Project"
PRIVATE_ENDPOINT = "azure-native:network:PrivateEndpoint"
DNS_ZONE_GROUP = "azure-native:network:PrivateDnsZoneGroup"
DIAGNOSTIC_SETTING = "azure-native:monitor:DiagnosticSetting"
ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment"
WORKSPACE = "azure-native:machinelearningservices:Workspace"  # a hub or a hub's project, by its `kind`
STORAGE_ACCOUNT = "azure-native:storage:StorageAccount"
VAULT = "azure-native:keyvault:Vault"
MARKETPLACE_SUBSCRIPTION = "azure-native:machinelearningservices:MarketplaceSubscription"
SERVERLESS_ENDPOINT = "azure-native:machinelearningservices:ServerlessEndpoint"
ONLINE_ENDPOINT = "azure-native:machinelearningservices:OnlineEndpoint"
# The logical-name suffix of the second write of an online endpoint, the one that sets its
# traffic once its deployments exist (components/hub_endpoints.py); `~` is in no Azure name.
TRAFFIC_WRITE = "/~traffic"
ONLINE_DEPLOYMENT = "azure-native:machinelearningservices:OnlineDeployment"
GENERIC = "azure-native:resources:Resource"  # the generic resource: the kit writes Claude deployments through it

# The upstream folders of the REST specifications (azure-rest-api-specs/specification/...).
_COGNITIVE = "cognitiveservices/resource-manager/Microsoft.CognitiveServices/stable/2025-06-01/cognitiveservices.json"
_ML = "machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable/2025-12-01/"
_NETWORK = "network/resource-manager/Microsoft.Network/stable/2024-05-01/privateEndpoint.json"
_RESOURCES = "resources/resource-manager/Microsoft.Resources/stable/2024-03-01/resources.json"
_GROUP = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}"
_COGNITIVE_PATH = _GROUP + "/providers/Microsoft.CognitiveServices/accounts/{accountName}"
_WORKSPACE_PATH = _GROUP + "/providers/Microsoft.MachineLearningServices/workspaces/{workspaceName}"


@dataclass(frozen=True)
class ArmSpec:
    """The ARM create-or-update operation azure-native sends for a type, in the official REST spec.

    `file` is the spec's path under azure-rest-api-specs/specification (the tests vendor it at
    tests/data/arm-spec/specification/); `body` the definition of the PUT body in that file;
    `parameters` the file's references to the path parameters, for extracts that do not carry
    the operation itself (empty: read them from the operation at `put_path`)."""

    file: str
    put_path: str
    body: str
    parameters: tuple[str, ...] = ()

    @property
    def api_version(self) -> str:
        return self.file.rsplit("/", 2)[-2]


@dataclass(frozen=True)
class ResourceType:
    token: str  # the Pulumi type token
    kind: str  # what a reviewer calls one
    azure_name_input: str  # the input that carries its name in Azure
    key_inputs: Callable[[dict[str, Any]], str]  # its inputs that matter, in words
    arm: ArmSpec
    # The inputs that say where it lives, when it can be renamed (a rename keeps these); None: not renamed.
    placement: tuple[str, ...] | None = None
    title_input: str | None = None  # the input its title shows, when not its Azure name
    # What creating and deleting one means, in a diff (None: just "created", "deleted").
    created: str | None = None
    deleted: str | None = None
    deleted_weakens: bool = False  # deleting one weakens a guardrail
    guarded: bool = False  # the guardrails read it (guardrails/from_engine.py)
    # Inputs azure-native would change in place but Azure refuses to: (input, why), for the diff.
    refused_in_place: tuple[tuple[str, str], ...] = ()
    # Input paths Azure manages itself: the kit leaves them to it with `ignore_changes` (adopted
    # and new resources alike), so the engine copies what it read instead of sending the program's.
    managed_by_azure: tuple[str, ...] = ()

    @property
    def replace_on_change(self) -> tuple[str, ...]:
        """Inputs whose change makes pulumi-azure-native replace it (delete and create) rather
        than update it with a PUT: the path parameters of its PUT and the body properties whose
        `x-ms-mutability` lacks `update`, derived from the vendored spec (`replace_on_change.json`)."""
        return _derived_rules().get(self.token, ((), ()))[0]

    @property
    def refusals(self) -> dict[str, str]:
        """Input -> why Azure refuses to change it in place: the spec's create-only properties of
        nested objects, and what the reviewed `refused_in_place` adds."""
        moved = {} if "location" in self.replace_on_change else {"location": _MOVED}
        return {**moved, **{name: "the ARM spec marks it create-only (x-ms-mutability)" for name in
                            _derived_rules().get(self.token, ((), ()))[1]}, **dict(self.refused_in_place)}

    @property
    def shown_name_input(self) -> str:
        return self.title_input or self.azure_name_input


# A resource's region is fixed: where its spec does not mark `location` create-only, azure-native
# sends the change as an update, and Azure Resource Manager refuses a PUT that moves an existing
# resource (InvalidResourceLocation).
_MOVED = "Azure does not move an existing resource to another region (InvalidResourceLocation)"

@lru_cache(maxsize=None)
def _derived_rules() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """What azure-native replaces, derived from the vendored specs (tests/unit/azure/test_replacements.py
    checks this file against tests/data/arm-spec; tests/support/replacements.py cites the rules'
    source), and the inputs inside one object of the body that the spec marks create-only
    (`properties.instanceType`): azure-native sends their change as an in-place update, which
    Azure refuses. Token -> (replaceOnChanges, refusedInPlace); read when first asked."""
    rules = json.loads(files("foundry_estate.azure").joinpath("replace_on_change.json").read_text(encoding="utf-8"))["types"]
    return {token: (tuple(rule["replaceOnChanges"]), tuple(rule["refusedInPlace"])) for token, rule in rules.items()}


_IN_ACCOUNT = ("resourceGroupName", "accountName")
_IN_WORKSPACE = ("resourceGroupName", "workspaceName")
_GENERIC_PLACEMENT = ("resourceGroupName", "resourceProviderNamespace", "parentResourcePath", "resourceType")

TABLE: tuple[ResourceType, ...] = (
    ResourceType(
        RESOURCE_GROUP, "resource group", "resourceGroupName", key_inputs.location,
        ArmSpec(_RESOURCES, "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}",
                "#/definitions/ResourceGroup")),
    ResourceType(
        ACCOUNT, "account", "accountName", key_inputs.account,
        ArmSpec(_COGNITIVE, _COGNITIVE_PATH, "#/definitions/Account"),
        placement=("resourceGroupName",), guarded=True,
        refused_in_place=(("properties.customSubDomainName", "Azure does not let an account's custom subdomain change "
                           "(azure-foundry-facts: customSubDomainName cannot be changed)"),)),
    ResourceType(
        BLOCKLIST, "blocklist", "raiBlocklistName", key_inputs.blocklist,
        ArmSpec(_COGNITIVE, _COGNITIVE_PATH + "/raiBlocklists/{raiBlocklistName}", "#/definitions/RaiBlocklist"),
        placement=_IN_ACCOUNT),
    ResourceType(
        RAI_POLICY, "content filter", "raiPolicyName", key_inputs.content_filter,
        ArmSpec(_COGNITIVE, _COGNITIVE_PATH + "/raiPolicies/{raiPolicyName}", "#/definitions/RaiPolicy"),
        placement=_IN_ACCOUNT, guarded=True),
    ResourceType(
        DEPLOYMENT, "deployment", "deploymentName", key_inputs.deployment,
        ArmSpec(_COGNITIVE, _COGNITIVE_PATH + "/deployments/{deploymentName}", "#/definitions/Deployment"),
        placement=_IN_ACCOUNT, guarded=True,
        # writable in the 2025-06-01 spec, but Azure moves it (dynamic quota, capacity changes under way)
        managed_by_azure=("properties.currentCapacity",)),
    ResourceType(
        PROJECT, "project", "projectName", key_inputs.project,
        ArmSpec(_COGNITIVE, _COGNITIVE_PATH + "/projects/{projectName}", "#/definitions/Project"),
        placement=_IN_ACCOUNT, deleted="deleted: its endpoint, agents and files are gone"),
    ResourceType(
        PRIVATE_ENDPOINT, "private endpoint", "privateEndpointName", key_inputs.private_endpoint,
        ArmSpec(_NETWORK, _GROUP + "/providers/Microsoft.Network/privateEndpoints/{privateEndpointName}",
                "#/definitions/PrivateEndpoint"),
        deleted="deleted: clients on that network lose private access", deleted_weakens=True, guarded=True),
    ResourceType(
        DNS_ZONE_GROUP, "private DNS zone group", "privateDnsZoneGroupName", key_inputs.dns_zone_group,
        ArmSpec(_NETWORK, _GROUP + "/providers/Microsoft.Network/privateEndpoints/{privateEndpointName}"
                "/privateDnsZoneGroups/{privateDnsZoneGroupName}", "#/definitions/PrivateDnsZoneGroup"),
        title_input="privateEndpointName", created="DNS records created",
        deleted="DNS records deleted: private names stop resolving", deleted_weakens=True),
    ResourceType(
        DIAGNOSTIC_SETTING, "diagnostic setting", "name", key_inputs.diagnostic_setting,
        ArmSpec("monitor/resource-manager/Microsoft.Insights/preview/2021-05-01-preview/diagnosticsSettings_API.json",
                "/{resourceUri}/providers/Microsoft.Insights/diagnosticSettings/{name}",
                "#/definitions/DiagnosticSettingsResource"),
        created="logs and metrics flow to the workspace", deleted="deleted: logs and metrics stop flowing",
        deleted_weakens=True, guarded=True),
    ResourceType(
        ROLE_ASSIGNMENT, "role assignment", "roleAssignmentName", key_inputs.role_label,
        ArmSpec("authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/"
                "authorization-RoleAssignmentsCalls.json",
                "/{scope}/providers/Microsoft.Authorization/roleAssignments/{roleAssignmentName}",
                "#/definitions/RoleAssignmentCreateParameters", ("#/parameters/RoleAssignmentNameParameter",)),
        created="granted", deleted="revoked: that principal loses access"),
    # A hub's storage account and key vault "cannot be changed once the workspace has been created" (SDK docs),
    # and a project belongs to one hub: azure-native would update them in place, Azure refuses.
    ResourceType(
        WORKSPACE, "hub project", "workspaceName", key_inputs.workspace,
        ArmSpec(_ML + "workspaceRP.json", _WORKSPACE_PATH, "#/definitions/Workspace",
                ("#/parameters/WorkspaceNameParameter",)),
        deleted="deleted with its endpoints: their scoring URIs stop answering",
        refused_in_place=tuple((name, "the Azure SDK documents it as fixed once the workspace is created")
                               for name in ("hubResourceId", "storageAccount", "keyVault"))),
    ResourceType(
        STORAGE_ACCOUNT, "storage account", "accountName", key_inputs.storage_account,
        ArmSpec("storage/resource-manager/Microsoft.Storage/stable/2024-01-01/storage.json",
                _GROUP + "/providers/Microsoft.Storage/storageAccounts/{accountName}",
                "#/definitions/StorageAccountCreateParameters",
                ("#/parameters/ResourceGroupName", "#/parameters/StorageAccountName")),
        deleted="deleted: the hub's data in it is lost"),
    ResourceType(
        VAULT, "key vault", "vaultName", key_inputs.vault,
        ArmSpec("keyvault/resource-manager/Microsoft.KeyVault/stable/2024-11-01/keyvault.json",
                _GROUP + "/providers/Microsoft.KeyVault/vaults/{vaultName}", "#/definitions/VaultCreateOrUpdateParameters",
                ("#/parameters/ResourceGroupName", "#/parameters/VaultName")),
        deleted="deleted: the hub's secrets in it are lost (it stays recoverable until purge protection lets go)"),
    ResourceType(
        MARKETPLACE_SUBSCRIPTION, "marketplace subscription", "name", key_inputs.marketplace_subscription,
        ArmSpec(_ML + "mfe.json", _WORKSPACE_PATH + "/marketplaceSubscriptions/{name}",
                "#/definitions/MarketplaceSubscriptionResource"),
        created="the project subscribes to the model's Marketplace offer",
        deleted="deleted: the project's subscription to the model's offer ends"),
    ResourceType(
        SERVERLESS_ENDPOINT, "serverless endpoint", "name", key_inputs.serverless_endpoint,
        # the extract has no PUT for serverless endpoints: the name's rules are those of its listKeys operation
        ArmSpec(_ML + "mfe.json", _WORKSPACE_PATH + "/serverlessEndpoints/{name}",
                "#/definitions/ServerlessEndpointTrackedResource",
                ("#/paths/" + (_WORKSPACE_PATH + "/serverlessEndpoints/{name}/listKeys").replace("/", "~1")
                 + "/post/parameters/3",)),
        placement=_IN_WORKSPACE),
    ResourceType(
        ONLINE_ENDPOINT, "online endpoint", "endpointName", key_inputs.online_endpoint,
        ArmSpec(_ML + "mfe.json", _WORKSPACE_PATH + "/onlineEndpoints/{endpointName}",
                "#/definitions/OnlineEndpointTrackedResource"),
        placement=_IN_WORKSPACE),
    ResourceType(
        ONLINE_DEPLOYMENT, "online deployment", "deploymentName", key_inputs.online_deployment,
        ArmSpec(_ML + "mfe.json", _WORKSPACE_PATH + "/onlineEndpoints/{endpointName}/deployments/{deploymentName}",
                "#/definitions/OnlineDeploymentTrackedResource"),
        placement=(*_IN_WORKSPACE, "endpointName"), guarded=True),  # max-monthly-cost prices its instances
    # Blocklist items are listed apart (a plan counts them under their blocklist).
    ResourceType(
        BLOCKLIST_ITEM, "blocklist item", "raiBlocklistItemName", key_inputs.blocklist_item,
        ArmSpec(_COGNITIVE, _COGNITIVE_PATH + "/raiBlocklists/{raiBlocklistName}/raiBlocklistItems/{raiBlocklistItemName}",
                "#/definitions/RaiBlocklistItem"),
        title_input="raiBlocklistName"),
    # The kit writes only deployments (Anthropic models) through the generic resource; such a
    # resource reads as a deployment (see `is_deployment`), its body is a deployment's.
    ResourceType(
        GENERIC, "resource", "resourceName", key_inputs.nothing,
        ArmSpec(_RESOURCES, _GROUP + "/providers/{resourceProviderNamespace}/{parentResourcePath}/{resourceType}"
                "/{resourceName}", "#/definitions/GenericResource"),
        placement=_GENERIC_PLACEMENT, guarded=True),
)

BY_TOKEN: dict[str, ResourceType] = {entry.token: entry for entry in TABLE}
GUARDED = frozenset(entry.token for entry in TABLE if entry.guarded)
_READING_ORDER = {entry.token: rank for rank, entry in enumerate(TABLE)}

# A generic resource is a deployment when it is written to this ARM type (Anthropic models).
_GENERIC_DEPLOYMENT = ("microsoft.cognitiveservices", "deployments")


def of(token: str) -> ResourceType | None:
    return BY_TOKEN.get(token)


def azure_name_input(token: str) -> str | None:
    entry = BY_TOKEN.get(token)
    return entry.azure_name_input if entry else None


def reading_rank(token: str) -> int:
    """Where a type comes in a plan; types the kit does not know come last."""
    return _READING_ORDER.get(token, len(TABLE))


def is_deployment(type_: str, inputs: dict[str, Any]) -> bool:
    """A model deployment: the typed resource, or the generic one written to accounts/deployments."""
    if type_ != GENERIC:
        return type_ == DEPLOYMENT
    namespace, resource_type = inputs.get("resourceProviderNamespace"), inputs.get("resourceType")
    return isinstance(namespace, str) and isinstance(resource_type, str) and \
        (namespace.lower(), resource_type.lower()) == _GENERIC_DEPLOYMENT


def is_hub(type_: str, inputs: dict[str, Any]) -> bool:
    return type_ == WORKSPACE and inputs.get("kind") == "Hub"


def as_read(type_: str, inputs: dict[str, Any]) -> ResourceType | None:
    """The entry a resource reads as: a generic resource written to accounts/deployments reads as a
    deployment (shown by its generic name input), any other generic resource as nothing the kit
    knows; anything else as its own type."""
    if type_ == GENERIC:
        return _GENERIC_AS_DEPLOYMENT if is_deployment(type_, inputs) else None
    return BY_TOKEN.get(type_)


def managed_by_azure(type_: str, inputs: dict[str, Any]) -> tuple[str, ...]:
    """The input paths a resource leaves to Azure (its `ignore_changes`), by the entry it reads as
    (`as_read`), else its own type's."""
    entry = as_read(type_, inputs) or BY_TOKEN.get(type_)
    return entry.managed_by_azure if entry else ()


_GENERIC_AS_DEPLOYMENT = ResourceType(
    GENERIC, BY_TOKEN[DEPLOYMENT].kind, BY_TOKEN[GENERIC].azure_name_input, BY_TOKEN[DEPLOYMENT].key_inputs,
    BY_TOKEN[GENERIC].arm, BY_TOKEN[GENERIC].placement, managed_by_azure=BY_TOKEN[DEPLOYMENT].managed_by_azure)
