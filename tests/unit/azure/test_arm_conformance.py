"""What the kit sends to Azure, against the official ARM REST specs (vendored in tests/data/arm-spec).

Every resource the example stacks register becomes the PUT azure-native makes, to the operation
its entry in the type table names (foundry_estate/azure/resource_types.py): hubs and projects,
marketplace subscriptions, serverless and online endpoints and deployments, private endpoints,
DNS zone groups, diagnostic settings, role assignments, storage, key vaults, resource groups and
the Cognitive Services types. `support.arm_spec` checks its path parameters and body: types,
enums, required, read-only, undeclared properties, patterns. Then each type's recorded inputs,
broken one way at a time, must be reported.
"""

import copy
from typing import Any, Iterator

import pytest

from foundry_estate.azure import resource_types as types
from foundry_estate.preview.engine import Registration, run_program
from foundry_estate.project.stacks import discover
from support import arm_spec
from support.examples import REPO

PROVIDER = "azure-native:cognitiveservices:"
DEPLOYMENT = types.DEPLOYMENT
ACCOUNT = types.ACCOUNT

# Known departures from the spec, by test id, with the problem. Strict: a fix must remove its entry.
KNOWN: dict[str, str] = {}

RECORDED = {stack.name: [r for r in run_program(stack.name).resources if r.custom] for stack in discover(REPO)}


def _cases() -> Iterator[Any]:
    for stack, resources in RECORDED.items():
        for resource in sorted(resources, key=lambda r: r.urn):
            case = f"{stack}:{resource.type.split(':', 1)[1]}:{resource.name}"
            marks = [pytest.mark.xfail(strict=True, reason=KNOWN[case])] if case in KNOWN else []
            yield pytest.param(resource.type, resource.inputs, id=case, marks=marks)


CASES = list(_cases())


def test_the_stacks_register_resources_to_check() -> None:
    assert {case.id.split(":")[0] for case in CASES} == {stack.name for stack in discover(REPO)}


def test_every_type_in_the_table_is_checked() -> None:
    """Every type the stacks register; the generic resource by tests/unit/components/test_claude.py."""
    assert {case.values[0] for case in CASES} == set(types.BY_TOKEN) - {types.GENERIC}


@pytest.mark.parametrize("type_, inputs", CASES)
def test_resource_conforms_to_arm_spec(type_: str, inputs: dict[str, Any]) -> None:
    problems = arm_spec.problems(type_, inputs)
    assert not problems, "does not conform to the ARM spec:\n" + "\n".join(problems)


def _recorded(type_: str) -> dict[str, Any]:
    resource: Registration = next(r for resources in RECORDED.values() for r in resources if r.type == type_)
    return resource.inputs


_REMOVE = object()


def _mutated(inputs: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy with the value at `path` (keys and list indexes, `/`-separated) set, or removed."""
    changed = copy.deepcopy(inputs)
    *parents, last = path.split("/")
    target: Any = changed
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target.setdefault(key, {})
    if value is _REMOVE:
        del target[last]
    else:
        target[int(last) if isinstance(target, list) else last] = value
    return changed


# One recorded resource of each type, broken one way: what the checker must say (exactly).
BROKEN = [
    pytest.param(types.RESOURCE_GROUP, "location", 5, "/location: 5 is not of type 'string'", id="group-type"),
    pytest.param(types.RESOURCE_GROUP, "resourceGroupName", "rg/x", "resourceGroupName (path): 'rg/x' does not match", id="group-pattern"),
    pytest.param(types.PROJECT, "properties/provisioningState", "Succeeded", "/properties/provisioningState: read-only property sent", id="project-read-only"),
    pytest.param(types.BLOCKLIST_ITEM, "properties/isRegex", "yes", "/properties/isRegex: 'yes' is not of type 'boolean'", id="item-type"),
    pytest.param(types.RAI_POLICY, "properties/mode", "Loud", "/properties/mode: 'Loud' is not one of", id="policy-enum"),
    pytest.param(types.PRIVATE_ENDPOINT, "subnetId", "x", "/subnetId: not a property of the spec", id="endpoint-undeclared"),
    pytest.param(types.PRIVATE_ENDPOINT, "privateLinkServiceConnections/0/groupIds", "account",
                 "/properties/privateLinkServiceConnections/0/properties/groupIds: 'account' is not of type 'array'", id="endpoint-flattened-type"),
    pytest.param(types.DNS_ZONE_GROUP, "privateDnsZoneConfigs/0/privateDnsZoneId", 5,
                 "/properties/privateDnsZoneConfigs/0/properties/privateDnsZoneId: 5 is not of type 'string'", id="dns-type"),
    pytest.param(types.DNS_ZONE_GROUP, "privateDnsZoneConfigs/0/recordSets", [], "/properties/privateDnsZoneConfigs/0/properties/recordSets: read-only property sent", id="dns-read-only"),
    pytest.param(types.DIAGNOSTIC_SETTING, "logs/0/enabled", "yes", "/properties/logs/0/enabled: 'yes' is not of type 'boolean'", id="diagnostic-type"),
    pytest.param(types.ROLE_ASSIGNMENT, "principalType", "Device", "/properties/principalType: 'Device' is not one of", id="role-enum"),
    pytest.param(types.ROLE_ASSIGNMENT, "principalId", _REMOVE, "/properties: 'principalId' is a required property", id="role-required"),
    pytest.param(types.WORKSPACE, "managedNetwork/isolationMode", "Closed", "/properties/managedNetwork/isolationMode: 'Closed' is not one of", id="hub-enum"),
    pytest.param(types.WORKSPACE, "workspaceName", "h", "workspaceName (path): 'h' does not match", id="hub-pattern"),
    pytest.param(types.STORAGE_ACCOUNT, "minimumTlsVersion", "TLS1_9", "/properties/minimumTlsVersion: 'TLS1_9' is not one of", id="storage-enum"),
    pytest.param(types.STORAGE_ACCOUNT, "enableHttpsTrafficOnly", "yes", "/properties/supportsHttpsTrafficOnly: 'yes' is not of type 'boolean'", id="storage-client-name"),
    pytest.param(types.STORAGE_ACCOUNT, "accountName", "St_Hub", "accountName (path): 'St_Hub' does not match", id="storage-pattern"),
    pytest.param(types.STORAGE_ACCOUNT, "kind", _REMOVE, "(body): 'kind' is a required property", id="storage-required"),
    pytest.param(types.VAULT, "vaultName", "kv_hub", "vaultName (path): 'kv_hub' does not match", id="vault-pattern"),
    pytest.param(types.VAULT, "properties/tenantId", _REMOVE, "/properties: 'tenantId' is a required property", id="vault-required"),
    pytest.param(types.MARKETPLACE_SUBSCRIPTION, "properties/modelId", _REMOVE, "/properties: 'modelId' is a required property", id="marketplace-required"),
    pytest.param(types.SERVERLESS_ENDPOINT, "name", "-x", "name (path): '-x' does not match", id="serverless-pattern"),
    pytest.param(types.SERVERLESS_ENDPOINT, "properties/modelSettings/modelID", "x", "/properties/modelSettings/modelID: not a property of the spec", id="serverless-misspelt"),
    pytest.param(types.ONLINE_ENDPOINT, "properties/authMode", "Password", "/properties/authMode: 'Password' is not one of", id="online-endpoint-enum"),
    pytest.param(types.ONLINE_ENDPOINT, "properties/scoringUri", "https://x", "/properties/scoringUri: read-only property sent", id="online-endpoint-read-only"),
    pytest.param(types.ONLINE_DEPLOYMENT, "properties/instanceType", 5, "/properties/instanceType: 5 is not of type 'string'", id="online-deployment-subtype-type"),
    pytest.param(types.ONLINE_DEPLOYMENT, "properties/instanceTypes", "x", "/properties/instanceTypes: not a property of the spec", id="online-deployment-undeclared"),
]


@pytest.mark.parametrize("type_, path, value, expected", BROKEN)
def test_checker_reports_a_broken_recorded_resource(type_: str, path: str, value: Any, expected: str) -> None:
    assert arm_spec.problems(type_, _recorded(type_)) == []
    problems = arm_spec.problems(type_, _mutated(_recorded(type_), path, value))
    assert [p for p in problems if p.startswith(expected)], problems


def test_every_registered_type_has_a_broken_case() -> None:
    assert {case.values[0] for case in BROKEN} | {ACCOUNT, DEPLOYMENT, types.BLOCKLIST} >= \
        {case.values[0] for case in CASES}


# The checker itself: a body that conforms, then the same body broken one way at a time.
GOOD_DEPLOYMENT = {
    "accountName": "aif-contoso-test",
    "deploymentName": "chat",
    "resourceGroupName": "rg-test",
    "sku": {"name": "GlobalStandard", "capacity": 10.0},
    "properties": {"model": {"format": "OpenAI", "name": "gpt-4.1", "version": "2025-04-14"},
                   "versionUpgradeOption": "NoAutoUpgrade"},
    "tags": {"owner": "platform-ai"},
}


def _with(inputs: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(inputs)
    *parents, last = path.split("/")
    target = changed
    for key in parents:
        target = target.setdefault(key, {})
    target[last] = value
    return changed


def test_checker_accepts_a_conforming_deployment() -> None:
    assert arm_spec.problems(DEPLOYMENT, GOOD_DEPLOYMENT) == []


@pytest.mark.parametrize("path, value, expected", [
    pytest.param("properties/provisioningState", "Succeeded", "/properties/provisioningState: read-only", id="read-only"),
    pytest.param("properties/callRateLimit", {"count": 1.0}, "/properties/callRateLimit: read-only", id="read-only-beside-ref"),
    pytest.param("systemData", {"createdBy": "me"}, "/systemData: read-only", id="read-only-definition"),
    pytest.param("properties/raiPolicy", "strict", "/properties/raiPolicy: not a property", id="unknown-property"),
    pytest.param("properties/model/fromat", "OpenAI", "/properties/model/fromat: not a property", id="misspelt-nested"),
    pytest.param("properties/versionUpgradeOption", "Never", "'Never' is not one of", id="bad-enum"),
    pytest.param("sku/capacity", "10", "/sku/capacity: '10' is not of type 'integer'", id="wrong-type"),
    pytest.param("sku/capacity", 2.5, "/sku/capacity: 2.5 is not of type 'integer'", id="fractional-integer"),
    pytest.param("tags/owner", 1.0, "/tags/owner: 1 is not of type 'string'", id="non-string-tag"),
    pytest.param("accountName", "-aif", "accountName (path): '-aif' does not match", id="bad-path-pattern"),
    pytest.param("accountName", "a" * 65, "accountName (path): ", id="path-too-long"),
])
def test_checker_rejects_a_broken_deployment(path: str, value: Any, expected: str) -> None:
    problems = arm_spec.problems(DEPLOYMENT, _with(GOOD_DEPLOYMENT, path, value))
    assert any(expected in problem for problem in problems), problems


def test_checker_rejects_a_missing_path_parameter() -> None:
    inputs = {key: value for key, value in GOOD_DEPLOYMENT.items() if key != "deploymentName"}
    assert arm_spec.problems(DEPLOYMENT, inputs) == ["deploymentName: required path parameter not set"]


def test_checker_rejects_a_type_it_cannot_map() -> None:
    assert arm_spec.problems(PROVIDER + "CommitmentPlan", {}) != []


def test_user_assigned_identities_go_out_as_a_map() -> None:
    """azure-native takes a list of identity ids; ARM wants `{id: {}}` (a list would not conform)."""
    identity_id = ("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-test/providers"
                   "/Microsoft.ManagedIdentity/userAssignedIdentities/id-test")
    inputs = {"accountName": "aif-contoso-test", "resourceGroupName": "rg-test", "location": "eastus2",
              "kind": "AIServices", "sku": {"name": "S0"},
              "identity": {"type": "SystemAssigned, UserAssigned", "userAssignedIdentities": [identity_id]}}
    assert arm_spec.to_wire(inputs)["identity"]["userAssignedIdentities"] == {identity_id: {}}
    assert arm_spec.problems(ACCOUNT, inputs) == []
    assert arm_spec.body_problems({"identity": {"userAssignedIdentities": [identity_id]}}, "#/definitions/Account")
    assert arm_spec.problems(ACCOUNT, _with(inputs, "identity/principalId", "x")) == [
        "/identity/principalId: read-only property sent"]
