"""Hubs, their projects and endpoints: the graph the real program registers under mocks, the
plan's unknowns, the diff's sentences and the instance-type table."""

from __future__ import annotations

import os
import random
from collections import defaultdict

import pytest
import yaml

from support.examples import REPO
from foundry_estate.preview.engine import UNKNOWN, Graph, Registration, run_program
from foundry_estate.azure.resource_types import TRAFFIC_WRITE
from foundry_estate.catalog.instance_types import INSTANCE_TYPES_FILE, load_instance_types
from foundry_estate.manifest.loader import load
from foundry_estate.manifest.model import build
from support.diff_project import diff_project, edit, summary
from support.golden import graph_document
from support.manifests import shuffled

ML = "azure-native:machinelearningservices:"
WORKSPACE, SUBSCRIPTION, SERVERLESS = ML + "Workspace", ML + "MarketplaceSubscription", ML + "ServerlessEndpoint"
ONLINE, DEPLOYMENT = ML + "OnlineEndpoint", ML + "OnlineDeployment"
HUB_EXAMPLE = os.path.join("tests", "examples", "valid", "hub-endpoints.yaml")
MISTRAL = "azureml://registries/azureml/models/mistralai-Mistral-7B-Instruct-v01/versions/12"


@pytest.fixture(scope="module", params=["dev", "hub-endpoints"])
def graph(request: pytest.FixtureRequest) -> Graph:
    """The dev stack (created dependencies, protected hub) and the valid hub example (ids, no protection)."""
    return run_program("dev", {"foundry-kit:manifest": HUB_EXAMPLE} if request.param == "hub-endpoints" else None)


def _named(graph: Graph, type_: str) -> dict[str, Registration]:
    return {r.name: r for r in graph.of_type(type_)}


def _waits_for(graph: Graph, later: Registration, earlier: Registration) -> bool:
    """`later` depends on `earlier`, directly or through the resources it depends on."""
    by_urn, seen, todo = graph.by_urn(), set(), list(later.dependencies)
    while todo:
        urn = todo.pop()
        if urn == earlier.urn:
            return True
        if urn not in seen and urn in by_urn:
            seen.add(urn)
            todo.extend(by_urn[urn].dependencies)
    return False


def test_logical_names_follow_azure_names() -> None:
    graph = run_program("dev")
    assert set(_named(graph, WORKSPACE)) == {"hub-contoso-dev", "hub-contoso-dev/open-models"}
    assert set(_named(graph, SUBSCRIPTION)) == {"hub-contoso-dev/open-models/Cohere-command-a"}
    assert set(_named(graph, SERVERLESS)) == {"hub-contoso-dev/open-models/command-a"}
    # the endpoint, and its second write setting the traffic (a suffix no Azure name has)
    assert set(_named(graph, ONLINE)) == {"hub-contoso-dev/open-models/mistral-7b-dev",
                                          "hub-contoso-dev/open-models/mistral-7b-dev/~traffic"}
    assert set(_named(graph, DEPLOYMENT)) == {"hub-contoso-dev/open-models/mistral-7b-dev/blue"}


def test_traffic_is_written_after_the_deployments_it_names() -> None:
    """As Microsoft's samples do: the endpoint without traffic, its deployments one after the
    other, then the endpoint again with the split, at the end of the same chain."""
    graph = run_program("dev", {"foundry-kit:manifest": HUB_EXAMPLE})
    order = [r.name for r in graph.resources if r.type in (ONLINE, DEPLOYMENT)]
    assert order == ["hub-endpoints/chat/mistral-7b", "hub-endpoints/chat/mistral-7b/blue",
                     "hub-endpoints/chat/mistral-7b/green", "hub-endpoints/chat/mistral-7b/~traffic"]
    named = {**_named(graph, ONLINE), **_named(graph, DEPLOYMENT)}
    endpoint, traffic = named["hub-endpoints/chat/mistral-7b"], named["hub-endpoints/chat/mistral-7b/~traffic"]
    assert "traffic" not in endpoint.inputs["properties"]
    assert traffic.inputs["properties"]["traffic"] == {"blue": 90, "green": 10}
    assert traffic.inputs["endpointName"] == endpoint.inputs["endpointName"] == "mistral-7b"
    assert named["hub-endpoints/chat/mistral-7b/green"].urn in traffic.dependencies  # the last deployment
    assert traffic.deleted_with == endpoint.urn and endpoint.urn in traffic.replace_with


def test_a_partner_model_is_subscribed_to_before_its_serverless_endpoint(graph: Graph) -> None:
    subscriptions = {r.inputs["properties"]["modelId"]: r for r in graph.of_type(SUBSCRIPTION)}
    endpoints = graph.of_type(SERVERLESS)
    assert endpoints
    for endpoint in endpoints:
        model_id = endpoint.inputs["properties"]["modelSettings"]["modelId"]
        if model_id.startswith("azureml://registries/azureml/"):  # a model Microsoft offers itself: no subscription
            assert model_id not in subscriptions
        else:
            assert subscriptions[model_id].urn in endpoint.dependencies
            assert subscriptions[model_id].inputs["workspaceName"] == endpoint.inputs["workspaceName"]


def test_online_deployments_are_written_after_their_endpoint(graph: Graph) -> None:
    endpoints = {(r.inputs["workspaceName"], r.inputs["endpointName"]): r for r in graph.of_type(ONLINE)
                 if not r.name.endswith(TRAFFIC_WRITE)}
    deployments = graph.of_type(DEPLOYMENT)
    assert deployments
    for deployment in deployments:
        endpoint = endpoints[deployment.inputs["workspaceName"], deployment.inputs["endpointName"]]
        assert _waits_for(graph, deployment, endpoint)
        assert deployment.inputs["properties"]["endpointComputeType"] == "Managed"
        assert deployment.inputs["sku"]["name"] == "Default"  # sku.capacity is the instance count


def _workspace_of(graph: Graph, resource: Registration) -> str:
    """The workspace a queued write lives in: a project for its children, the hub for its projects."""
    if resource.type == WORKSPACE:
        hub = next(r for r in graph.of_type(WORKSPACE) if r.inputs["kind"] == "Hub" and r.parent == resource.parent)
        return hub.inputs["workspaceName"]
    return resource.inputs["workspaceName"]


def test_writes_under_one_workspace_form_one_chain(graph: Graph) -> None:
    """Each write waits for exactly the previous one; each chain starts at its workspace."""
    by_urn = graph.by_urn()
    workspaces = {r.inputs["workspaceName"]: r.urn for r in graph.of_type(WORKSPACE)}
    chains: dict[str, list[str]] = defaultdict(list)
    for resource in graph.resources:
        if resource.type in (SUBSCRIPTION, SERVERLESS, ONLINE, DEPLOYMENT) or \
                (resource.type == WORKSPACE and resource.inputs["kind"] == "Project"):
            chains[_workspace_of(graph, resource)].append(resource.urn)
    assert len(chains) >= 2  # the hub's (its projects) and a project's (its endpoints)
    for workspace, members in chains.items():
        head = workspaces[workspace]
        predecessors = {}
        for urn in members:
            waits = [d for d in by_urn[urn].dependencies if d in members or d == head]
            assert len(waits) == 1, (urn, by_urn[urn].dependencies)
            predecessors[urn] = waits[0]
        assert list(predecessors.values()).count(head) == 1, f"{workspace}: the chain starts at the workspace once"
        assert len(set(predecessors.values())) == len(members), f"{workspace}: two writes wait for the same one"


def test_hubs_and_what_the_kit_creates_for_them_are_protected_unless_opted_out() -> None:
    dev = run_program("dev")
    protected = {r.type for r in dev.resources if r.protect}
    assert protected == {"azure-native:cognitiveservices:Account", WORKSPACE, "azure-native:storage:StorageAccount",
                         "azure-native:keyvault:Vault"}
    assert [r.name for r in dev.of_type(WORKSPACE) if r.protect] == ["hub-contoso-dev"]  # not its project
    unprotected = run_program("dev", {"foundry-kit:manifest": HUB_EXAMPLE})
    assert not any(r.protect for r in unprotected.of_type(WORKSPACE))


def test_what_lives_in_a_project_is_deleted_and_replaced_with_it(graph: Graph) -> None:
    projects = {r.inputs["workspaceName"]: r.urn for r in graph.of_type(WORKSPACE) if r.inputs["kind"] == "Project"}
    endpoints = {(r.inputs["workspaceName"], r.inputs["endpointName"]): r.urn for r in graph.of_type(ONLINE)
                 if not r.name.endswith(TRAFFIC_WRITE)}
    for resource in graph.resources:
        project = projects.get(resource.inputs.get("workspaceName", ""))
        if resource.name.endswith(TRAFFIC_WRITE):  # the endpoint's second write goes with the endpoint
            endpoint = endpoints[resource.inputs["workspaceName"], resource.inputs["endpointName"]]
            assert (resource.deleted_with, sorted(resource.replace_with)) == (endpoint, sorted([project, endpoint]))
        elif resource.type in (SUBSCRIPTION, SERVERLESS, ONLINE):
            assert (resource.deleted_with, resource.replace_with) == (project, [project]), resource.name
        elif resource.type == DEPLOYMENT:
            endpoint = endpoints[resource.inputs["workspaceName"], resource.inputs["endpointName"]]
            assert (resource.deleted_with, sorted(resource.replace_with)) == (endpoint, sorted([project, endpoint]))
    for workspace in graph.of_type(WORKSPACE):  # a project is a workspace of its own, not an ARM child of its hub
        assert (workspace.deleted_with, workspace.replace_with) == ("", [])


def test_hub_inputs_follow_the_manifest() -> None:
    graph = run_program("dev", {"foundry-kit:manifest": HUB_EXAMPLE})
    hub = _named(graph, WORKSPACE)["hub-endpoints"].inputs
    identity = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-hub-endpoints/providers/" \
               "Microsoft.ManagedIdentity/userAssignedIdentities/id-hub"
    assert hub["identity"] == {"type": "UserAssigned", "userAssignedIdentities": [identity]}
    assert hub["primaryUserAssignedIdentity"] == identity
    assert (hub["publicNetworkAccess"], hub["managedNetwork"]) == ("Disabled", {"isolationMode": "AllowOnlyApprovedOutbound"})
    assert hub["storageAccount"].endswith("/storageAccounts/sthubendpoints") and "systemDatastoresAuthMode" not in hub
    project = _named(graph, WORKSPACE)["hub-endpoints/chat"].inputs
    assert (project["kind"], project["location"]) == ("Project", "swedencentral")
    online = _named(graph, ONLINE)["hub-endpoints/chat/mistral-7b/~traffic"].inputs["properties"]
    assert online == {"authMode": "Key", "publicNetworkAccess": "Disabled", "traffic": {"blue": 90, "green": 10}}
    serverless = _named(graph, SERVERLESS)["hub-endpoints/chat/llama-8b"].inputs["properties"]
    assert serverless["contentSafety"] == {"contentSafetyStatus": "Disabled"} and serverless["authMode"] == "AAD"


def test_created_dependencies_have_secure_defaults() -> None:
    graph = run_program("dev")
    account = graph.of_type("azure-native:storage:StorageAccount")[0].inputs
    assert (account["allowBlobPublicAccess"], account["allowSharedKeyAccess"], account["minimumTlsVersion"]) == \
        (False, False, "TLS1_2")
    vault = graph.of_type("azure-native:keyvault:Vault")[0].inputs["properties"]
    assert vault["enableRbacAuthorization"] and vault["enablePurgeProtection"] and vault["enableSoftDelete"]
    hub = _named(graph, WORKSPACE)["hub-contoso-dev"]
    assert hub.inputs["systemDatastoresAuthMode"] == "Identity"  # the storage account has no shared key
    assert {graph.by_urn()[d].type for d in hub.dependencies} >= {"azure-native:storage:StorageAccount",
                                                                   "azure-native:keyvault:Vault"}


def test_scoring_uris_are_outputs_known_after_apply() -> None:
    def uris(graph: Graph) -> list[str]:
        project = graph.outputs["hubs"]["hub-contoso-dev"]["projects"]["open-models"]
        return [project["serverlessEndpoints"]["command-a"]["scoringUri"],
                project["onlineEndpoints"]["mistral-7b-dev"]["scoringUri"]]

    assert uris(run_program("dev", preview=True)) == [UNKNOWN, UNKNOWN]
    assert uris(run_program("dev")) == ["https://command-a.eastus2.models.ai.azure.com",
                                        "https://mistral-7b-dev.eastus2.inference.ml.azure.com/score"]


def test_a_single_deployment_gets_all_traffic_and_a_left_out_one_none(tmp_path) -> None:
    manifest = build(load(os.path.join(REPO, HUB_EXAMPLE)).data)
    [endpoint] = manifest.hubs[0].projects[0].online_endpoints
    assert endpoint.traffic == (("blue", 90), ("green", 10))
    dev = build(load(os.path.join(REPO, "stacks", "dev.yaml")).data)
    assert dev.hubs[0].projects[0].online_endpoints[0].traffic == (("blue", 100),)


def test_reordered_manifest_with_renamed_hub_keys_registers_the_same_graph(tmp_path) -> None:
    data = shuffled(load(os.path.join(REPO, "stacks", "dev.yaml")).data, random.Random(11))
    data["hubs"] = {f"renamed-{key}": hub for key, hub in data["hubs"].items()}
    rewritten = tmp_path / "dev-reordered.yaml"
    rewritten.write_text(yaml.safe_dump(data, sort_keys=False))
    assert graph_document(run_program("dev", {"foundry-kit:manifest": str(rewritten)})) == graph_document(run_program("dev"))


# --- diff -------------------------------------------------------------------------------------

GREEN = f"""              green:
                model: {MISTRAL}
                instanceType: Standard_NC24ads_A100_v4
"""


@pytest.fixture
def project(tmp_path) -> str:
    return diff_project(tmp_path)


def test_a_traffic_shift_and_an_instance_count_change_read_plainly(project) -> None:
    edit(project, "dev.yaml", "            traffic: {blue: 100}\n", GREEN + "            traffic: {blue: 50, green: 50}\n")
    edit(project, "dev.yaml", "                instanceCount: 1\n", "                instanceCount: 2\n")
    assert summary(project, "dev") == [
        "dev · research · online deployment mistral-7b-dev/blue: instance count 1 → 2 "
        "(VM cores standardNCADSA100v4Family in eastus2: 72 / 96)",
        f"dev · research · online deployment mistral-7b-dev/green: new online deployment: {MISTRAL} · "
        "Standard_NC24ads_A100_v4 × 1 (VM cores standardNCADSA100v4Family in eastus2: 72 / 96)",
        "dev · research · online endpoint mistral-7b-dev: traffic blue 100 → 50, green 0 → 50",
    ]


def test_a_new_instance_type_is_refused_by_azure_not_replaced(project) -> None:
    """The spec marks `instanceType` create-only inside `properties`: azure-native sends an
    update (it replaces only for top-level create-only properties), which Azure refuses."""
    edit(project, "dev.yaml", "                instanceType: Standard_NC24ads_A100_v4\n",
         "                instanceType: Standard_NC48ads_A100_v4\n")
    assert summary(project, "dev") == [
        "dev · research · online deployment mistral-7b-dev/blue: instance type cannot change in place: the ARM spec marks it create-only (x-ms-mutability); "
        "pulumi up will fail on it. Keep it, or create a new online deployment with the new value and move what uses "
        "it over",
        "dev · research · online deployment mistral-7b-dev/blue: instance type Standard_NC24ads_A100_v4 → "
        "Standard_NC48ads_A100_v4 (VM cores standardNCADSA100v4Family in eastus2: 48 / 96)"]


def test_switching_content_safety_off_weakens_the_endpoint(project) -> None:
    edit(project, "dev.yaml", "            modelId: azureml://registries/azureml-cohere/models/Cohere-command-a\n",
         "            modelId: azureml://registries/azureml-cohere/models/Cohere-command-a\n"
         "            contentSafety: false\n")
    assert summary(project, "dev") == [
        "dev · research · serverless endpoint command-a: content safety Enabled → Disabled (prompts and completions "
        "are no longer screened)"]


def test_opening_a_hub_and_dropping_its_protection_weaken_guardrails(project) -> None:
    edit(project, "dev.yaml", "    create: {storageAccount: sthubcontosodev, keyVault: kv-hub-contoso-dev}\n",
         "    create: {storageAccount: sthubcontosodev, keyVault: kv-hub-contoso-dev}\n    managedNetwork: Disabled\n"
         "    protect: false\n")
    assert summary(project, "dev") == [
        "dev · research · hub hub-contoso-dev: managed network AllowInternetOutbound → Disabled; deletion protection removed",
        "dev · research · key vault kv-hub-contoso-dev: deletion protection removed",
        "dev · research · storage account sthubcontosodev: deletion protection removed"]


# --- the instance-type table -------------------------------------------------------------------

def test_the_instance_type_table_loads_and_its_replacements_exist() -> None:
    table = load_instance_types(INSTANCE_TYPES_FILE)
    names = {t.name for t in table.types}
    assert {"Standard_NC24ads_A100_v4", "Standard_ND96isr_H100_v5", "Standard_NC6s_v3"} <= names
    assert all(t.replacement in names for t in table.types if t.replacement)
    assert table.get("Standard_NC96ads_A100_v4").cores == 96


def test_a_broken_instance_type_table_is_reported_at_its_line(tmp_path) -> None:
    from foundry_estate.errors import KitError

    broken = tmp_path / "instance-types.yaml"
    broken.write_text("version: 1\ninstanceTypes:\n  Standard_X:\n    cores: many\n    vmFamily: x\n    source: unverified\n")
    with pytest.raises(KitError) as caught:
        load_instance_types(str(broken))
    assert str(caught.value) == f"{broken}:4:12: instanceTypes.Standard_X.cores: expected an integer, got the string 'many'"
