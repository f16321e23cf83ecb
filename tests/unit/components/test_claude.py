"""Claude (Anthropic) deployments: `modelProviderData` from the manifest to the generic ARM resource.

The program runs on `tests/examples/valid/claude.yaml` (an OpenAI and a Claude deployment on one
account) under the mock engine. The corpus (`tests/examples/invalid/claude-*`,
`provider-data-not-anthropic`) covers the validation messages; `test_diff.py` a diff sentence.
"""

import os

import pytest

from foundry_estate.components.deployment import MODEL_PROVIDER_DATA_API_VERSION
from foundry_estate.azure import describe
from support.examples import REPO
from foundry_estate.preview.engine import Graph, run_program
from foundry_estate.errors import KitError
from foundry_estate.manifest.model import ModelProviderData
from foundry_estate.validate import load_manifest
from support import arm_spec
from support.today import PINNED

MANIFEST = os.path.join(REPO, "tests", "examples", "valid", "claude.yaml")
GENERIC = "azure-native:resources:Resource"
DEPLOYMENT = "azure-native:cognitiveservices:Deployment"
STACK = "urn:pulumi:dev::foundry-kit::"
ACCOUNT = STACK + "foundry-kit:index:FoundryAccount$azure-native:cognitiveservices:Account::aif-claude-eus2"
GROUP = STACK + "pulumi:pulumi:Stack$azure-native:resources:ResourceGroup::rg-claude"
CHAT = STACK + "foundry-kit:index:ModelDeployment$azure-native:cognitiveservices:Deployment::aif-claude-eus2/chat"


@pytest.fixture(scope="module")
def graph() -> Graph:
    return run_program("dev", {"foundry-kit:manifest": MANIFEST})


def test_the_typed_manifest_carries_the_provider_data() -> None:
    deployments = {d.name: d for d in load_manifest(MANIFEST, PINNED).manifest.accounts[0].deployments}
    assert deployments["claude"].model_provider_data == ModelProviderData("Contoso Ltd", "US", "technology")
    assert deployments["chat"].model_provider_data is None


def test_claude_is_the_generic_resource_with_its_provider_data(graph: Graph) -> None:
    [claude] = graph.of_type(GENERIC)
    assert (claude.name, claude.urn, claude.parent, claude.custom, claude.protect, claude.azure_name) == (
        "aif-claude-eus2/claude",
        STACK + "foundry-kit:index:ModelDeployment$azure-native:resources:Resource::aif-claude-eus2/claude",
        STACK + "foundry-kit:index:FoundryAccount$foundry-kit:index:ModelDeployment::aif-claude-eus2/claude",
        True, False, "claude")
    assert claude.inputs == {
        "resourceGroupName": "rg-claude",
        "resourceProviderNamespace": "Microsoft.CognitiveServices",
        "parentResourcePath": "accounts/aif-claude-eus2",
        "resourceType": "deployments",
        "resourceName": "claude",
        "apiVersion": "2025-10-01-preview",
        "sku": {"name": "GlobalStandard", "capacity": 25},
        "properties": {
            "model": {"format": "Anthropic", "name": "claude-sonnet-4-5", "version": "20250929"},
            "raiPolicyName": "Microsoft.DefaultV2",
            "versionUpgradeOption": "NoAutoUpgrade",
            "modelProviderData": {"organizationName": "Contoso Ltd", "countryCode": "US", "industry": "technology"},
        },
    }  # no tags: an empty map would differ from what azure-native reads back (none)
    assert MODEL_PROVIDER_DATA_API_VERSION == "2025-10-01-preview"


def test_claude_gets_the_options_of_any_deployment_and_its_place_in_the_write_chain(graph: Graph) -> None:
    """Written after `chat` (the queue goes by name), deleted and replaced with the account."""
    [claude] = graph.of_type(GENERIC)
    [chat] = graph.of_type(DEPLOYMENT)
    assert chat.dependencies == sorted([ACCOUNT, GROUP])
    assert claude.dependencies == sorted([CHAT, GROUP])
    assert (claude.deleted_with, claude.replace_with) == (chat.deleted_with, chat.replace_with) == (ACCOUNT, [ACCOUNT])
    assert graph.by_urn()[claude.parent].type == graph.by_urn()[chat.parent].type == "foundry-kit:index:ModelDeployment"
    # The typed body, property for property, plus modelProviderData.
    assert {key: value for key, value in claude.inputs["properties"].items() if key != "modelProviderData"} == \
        {**chat.inputs["properties"], "model": claude.inputs["properties"]["model"]}


def test_claude_has_the_outputs_of_any_deployment(graph: Graph) -> None:
    deployments = graph.outputs["accounts"]["aif-claude-eus2"]["deployments"]
    assert deployments["claude"] == {
        "name": "claude",
        "model": {"format": "Anthropic", "name": "claude-sonnet-4-5", "version": "20250929"},
        "sku": "GlobalStandard",
        "capacity": 25,
        "openaiBaseUrl": "https://aif-claude-eus2.openai.azure.com/openai/v1/",
        "inferenceEndpoint": "https://aif-claude-eus2.services.ai.azure.com/models",
    }
    assert set(deployments["claude"]) == set(deployments["chat"])


def test_claude_body_is_the_2025_06_01_deployment_but_for_model_provider_data(graph: Graph) -> None:
    for resource in graph.resources:
        if resource.type.startswith("azure-native:cognitiveservices:") or resource.type == GENERIC:
            assert arm_spec.problems(resource.type, resource.inputs) == [], resource.urn
    [claude] = graph.of_type(GENERIC)
    typed, inputs = arm_spec.as_typed(claude.inputs)
    assert (typed, inputs["accountName"], inputs["deploymentName"]) == (DEPLOYMENT, "aif-claude-eus2", "claude")
    # The one exemption: the spec does not declare modelProviderData.
    inputs["properties"]["modelProviderData"] = claude.inputs["properties"]["modelProviderData"]
    [problem] = arm_spec.problems(typed, inputs)
    assert problem.startswith("/properties/modelProviderData: not a property of the spec")


def test_arm_checker_holds_any_other_generic_resource_to_the_generic_envelope() -> None:
    other = {"resourceProviderNamespace": "Microsoft.Storage", "parentResourcePath": "storageAccounts/st",
             "resourceType": "blobServices", "resourceName": "default", "resourceGroupName": "rg", "apiVersion": "2024-01-01"}
    assert arm_spec.problems(GENERIC, other) == []
    assert arm_spec.problems(GENERIC, {**other, "propertys": {}}) == [
        "/propertys: not a property of the spec (it has: extendedLocation, id, identity, kind, location, managedBy, "
        "name, plan, properties, sku, tags, type)"]


def test_plans_describe_claude_as_a_deployment(graph: Graph) -> None:
    [claude] = graph.of_type(GENERIC)
    assert describe.is_deployment(claude.type, claude.inputs)
    assert describe.title(claude.type, claude.inputs, claude.name) == "deployment claude"
    assert describe.details(claude.type, claude.inputs) == (
        "Anthropic claude-sonnet-4-5 20250929 · GlobalStandard capacity 25 · filter Microsoft.DefaultV2 · "
        "NoAutoUpgrade · for Contoso Ltd (US, technology)")
    other = {**claude.inputs, "resourceType": "raiPolicies"}
    assert not describe.is_deployment(GENERIC, other)
    assert describe.title(GENERIC, other, "x") == f"{GENERIC} x"


def test_provider_data_on_a_misspelt_format_points_at_anthropic(tmp_path) -> None:
    path = tmp_path / "claude.yaml"
    path.write_text("""version: 1
location: eastus2
resourceGroup: {name: rg-claude}
accounts:
  core:
    name: aif-claude
    deployments:
      claude:
        model: {format: anthropic, name: claude-sonnet-4-5, version: "20250929"}
        sku: GlobalStandard
        capacity: 25
        modelProviderData: {organizationName: Contoso Ltd, countryCode: US, industry: technology}
""", encoding="utf-8")
    with pytest.raises(KitError) as error:
        load_manifest(str(path), PINNED)
    assert [str(p).split(": ", 1)[1] for p in error.value.problems if p.path.endswith(".modelProviderData")] == [
        "accounts.core.deployments.claude.modelProviderData: modelProviderData is for Anthropic models only, "
        "not format 'anthropic' (did you mean 'Anthropic'?)"]
