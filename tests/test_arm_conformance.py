"""What the kit sends to Azure, against the official ARM REST spec of Microsoft.CognitiveServices 2025-06-01.

Every `azure-native:cognitiveservices:*` resource the example stacks register becomes the
PUT azure-native makes; `testing.arm_spec` checks its path parameters and body. The spec is
read from `shared/` beside the repository (CI puts a copy there).
"""

import copy
import os
from typing import Any, Iterator

import pytest

from foundry_kit.project.stacks import discover
from support import arm_spec
from foundry_kit.preview.engine import REPO, run_program

PROVIDER = "azure-native:cognitiveservices:"
DEPLOYMENT = PROVIDER + "Deployment"
ACCOUNT = PROVIDER + "Account"

# Known departures from the spec, by test id, with the problem. Strict: a fix must remove its entry.
KNOWN: dict[str, str] = {}

pytestmark = pytest.mark.skipif(not os.path.isfile(arm_spec.SPEC),
                                reason=f"ARM spec not found at {arm_spec.SPEC}: shared/ must sit beside the repository")


def _cases() -> Iterator[Any]:
    for stack in discover(REPO):
        for resource in sorted(run_program(stack.name).resources, key=lambda r: r.urn):
            if resource.type.startswith(PROVIDER):
                case = f"{stack.name}:{resource.type[len(PROVIDER):]}:{resource.name}"
                marks = [pytest.mark.xfail(strict=True, reason=KNOWN[case])] if case in KNOWN else []
                yield pytest.param(resource.type, resource.inputs, id=case, marks=marks)


CASES = list(_cases())


def test_the_stacks_register_resources_to_check() -> None:
    assert {case.id.split(":")[0] for case in CASES} == {stack.name for stack in discover(REPO)}


@pytest.mark.parametrize("type_, inputs", CASES)
def test_resource_conforms_to_arm_spec(type_: str, inputs: dict[str, Any]) -> None:
    problems = arm_spec.problems(type_, inputs)
    assert not problems, "does not conform to the ARM spec:\n" + "\n".join(problems)


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
