"""The engine's comparison (foundry_estate/azure/read_back.py): what azure-native reads back from
an ARM body, derived from the vendored specs (tests/support/read_back.py), and how Pulumi compares
it with the program's inputs after an import."""

from __future__ import annotations

import json
import os

from foundry_estate.azure import read_back as rb
from foundry_estate.azure import resource_types as types
from support.examples import REPO
from support import arm_spec
from support.read_back import derived_table

TABLE = os.path.join(REPO, "foundry_estate", "azure", "read_back.json")
EXAMPLES = os.path.join(os.path.dirname(arm_spec.SPEC), "examples")


def get_example(name: str) -> dict:
    with open(os.path.join(EXAMPLES, name), encoding="utf-8") as handle:
        return json.load(handle)["responses"]["200"]["body"]


def test_the_packaged_table_is_what_the_vendored_specs_derive() -> None:
    with open(TABLE, encoding="utf-8") as handle:
        assert json.load(handle) == derived_table(), (
            "the specs and foundry_estate/azure/read_back.json disagree: regenerate it from "
            "support.read_back.derived_table()")
    assert set(derived_table()["types"]) == set(types.BY_TOKEN)  # every type of the type table


def test_a_deployment_reads_back_its_writable_properties_in_the_sdk_shape() -> None:
    body = get_example("GetDeployment.json")
    assert rb.read_back(types.DEPLOYMENT, body["id"], body) == {
        "resourceGroupName": "resourceGroupName", "accountName": "accountName", "deploymentName": "deploymentName",
        "sku": {"name": "Standard", "capacity": 1},
        "properties": {"model": {"format": "OpenAI", "name": "ada", "version": "1"}}}  # provisioningState is read-only


def test_a_project_drops_read_only_properties_and_keeps_its_own_tags() -> None:
    body = get_example("GetProject.json")
    assert rb.read_back(types.PROJECT, body["id"], body) == {
        "resourceGroupName": "myResourceGroup", "accountName": "myAccount", "projectName": "myProject",
        "location": "westus", "tags": {"Owner": "felixwa", "ExpiredDate": "2017/09/01"},
        "properties": {"displayName": "myProject", "description": "This is my project"}}  # endpoints, isDefault read-only


def test_empty_collections_are_dropped_and_user_identities_are_a_set_of_ids() -> None:
    uami = "/subscriptions/s/resourceGroups/g/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-a"
    body = {"id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.CognitiveServices/accounts/a", "name": "a",
            "location": "eastus2", "kind": "AIServices", "tags": {}, "etag": "x",
            "identity": {"type": "SystemAssigned, UserAssigned", "principalId": "p", "tenantId": "t",
                         "userAssignedIdentities": {uami: {"principalId": "p2", "clientId": "c2"}}},
            "properties": {"networkAcls": {"defaultAction": "Deny", "ipRules": [], "virtualNetworkRules": []},
                           "endpoint": "https://a", "currentCapacity": None, "allowedFqdnList": [],
                           "customSubDomainName": "a", "defaultProject": "p1", "associatedProjects": ["p1"]}}
    assert rb.read_back(types.ACCOUNT, body["id"], body) == {
        "resourceGroupName": "g", "accountName": "a", "location": "eastus2", "kind": "AIServices",
        "identity": {"type": "SystemAssigned, UserAssigned", "userAssignedIdentities": [uami]},
        "properties": {"networkAcls": {"defaultAction": "Deny"}, "customSubDomainName": "a", "defaultProject": "p1",
                       "associatedProjects": ["p1"]}}


def test_ids_with_slashes_in_a_path_parameter_parse() -> None:
    scope = "/subscriptions/s/resourceGroups/g/providers/Microsoft.CognitiveServices/accounts/a"
    assert rb.parse_id(types.ROLE_ASSIGNMENT, f"{scope}/providers/Microsoft.Authorization/roleAssignments/r1") == {
        "scope": scope, "roleAssignmentName": "r1"}


def test_the_comparison_is_the_engines_both_ways_by_position() -> None:
    read = {"location": "swedencentral", "tags": {"owner": "search-team"},
            "properties": {"currentCapacity": 80, "networkAcls": {"ipRules": [{"value": "a"}, {"value": "b"}]},
                           "defaultProject": "p1"}}
    declared = {"location": "Sweden Central", "tags": {"owner": "platform", "cost": "x"},
                "properties": {"currentCapacity": 100, "networkAcls": {"ipRules": [{"value": "b"}, {"value": "a"}]}}}
    found = rb.compare(types.ACCOUNT, read, declared)
    assert [str(d) for d in found] == [
        "tags.owner: 'search-team' in Azure → 'platform' in the manifest",
        "tags.cost: not set in Azure → 'x' in the manifest",
        "properties.currentCapacity: 80 in Azure → 100 in the manifest",
        "properties.networkAcls.ipRules[0].value: 'a' in Azure → 'b' in the manifest",
        "properties.networkAcls.ipRules[1].value: 'b' in Azure → 'a' in the manifest",
        "properties.defaultProject: 'p1' in Azure → not set in the manifest (the update removes it)"]
    assert [d.kind for d in found] == ["changed", "added", "changed", "changed", "changed", "removed"]
    assert not any(d.replaces for d in found)
    # ignore_changes copies what was read; a region moved is a replacement
    assert rb.compare(types.DEPLOYMENT, {"properties": {"currentCapacity": 80}}, {"properties": {"currentCapacity": 100}},
                      ignore=("properties.currentCapacity",)) == ()
    moved = rb.compare(types.ACCOUNT, {"location": "eastus2"}, {"location": "swedencentral"})
    assert [(d.path, d.replaces) for d in moved] == [("location", True)]


def test_numbers_and_booleans_compare_as_the_engine_does() -> None:
    assert rb.compare(types.DEPLOYMENT, {"sku": {"capacity": 100}}, {"sku": {"capacity": 100.0}}) == ()
    assert [d.path for d in rb.compare(types.ACCOUNT, {"properties": {"disableLocalAuth": True}},
                                       {"properties": {"disableLocalAuth": 1}})] == ["properties.disableLocalAuth"]
    assert rb.compare(types.ACCOUNT, {"tags": None}, {"properties": None}) == ()  # null is absent


def test_an_account_of_the_spec_reads_back_without_its_read_only_properties() -> None:
    with open(os.path.join(EXAMPLES, "ListAccountsBySubscription.json"), encoding="utf-8") as handle:
        listed = json.load(handle)["responses"]["200"]["body"]["value"]
    cris = next(a for a in listed if a["name"] == "CrisProd")
    assert rb.read_back(types.ACCOUNT, cris["id"], cris) == {
        "resourceGroupName": "bvttest", "accountName": "CrisProd", "location": "westus", "sku": {"name": "S0"},
        "kind": "CRIS", "tags": {"can't delete it successfully": "v-yunjin"}}  # etag, endpoint, provisioningState read-only
