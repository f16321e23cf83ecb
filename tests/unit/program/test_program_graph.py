"""The real program (`__main__.py`) under Pulumi's mock engine: the recorded graph."""

import os
from collections import defaultdict

import pytest

from support.golden import assert_matches_golden, graph_document
from support.examples import REPO
from foundry_estate.preview.engine import Graph, run_program

GOLDEN = os.path.join(REPO, "tests", "golden")
STACKS = ["dev", "prod"]
DEPLOYMENT = "azure-native:cognitiveservices:Deployment"
ACCOUNT = "azure-native:cognitiveservices:Account"


@pytest.fixture(scope="module", params=STACKS)
def graph(request: pytest.FixtureRequest) -> Graph:
    return run_program(request.param)


@pytest.mark.parametrize("stack", STACKS)
def test_graph_matches_golden(stack: str) -> None:
    assert_matches_golden(graph_document(run_program(stack)), os.path.join(GOLDEN, f"{stack}.json"))


def _account_of(graph: Graph, urn: str) -> str:
    """The account a resource belongs to: its ancestor FoundryAccount's name."""
    by_urn = graph.by_urn()
    while urn in by_urn:
        resource = by_urn[urn]
        if resource.type == "foundry-kit:index:FoundryAccount":
            return resource.name
        urn = resource.parent
    return ""


def test_writes_under_one_account_form_one_chain(graph: Graph) -> None:
    """Every queued write depends on exactly the previous one; the chain starts at the account."""
    by_urn = graph.by_urn()
    queued = {"azure-native:cognitiveservices:RaiBlocklist", "azure-native:cognitiveservices:RaiBlocklistItem",
              "azure-native:cognitiveservices:RaiPolicy", DEPLOYMENT, "azure-native:cognitiveservices:Project",
              "azure-native:network:PrivateEndpoint"}
    chains: dict[str, list[str]] = defaultdict(list)
    for resource in graph.resources:
        if resource.type in queued:
            chains[_account_of(graph, resource.urn)].append(resource.urn)
    assert chains
    for account, members in chains.items():
        predecessors = {}
        for urn in members:
            dependencies = by_urn[urn].dependencies
            in_chain = [d for d in dependencies if d in members]
            accounts = [d for d in dependencies if d in by_urn and by_urn[d].type == ACCOUNT]
            assert len(in_chain) == 1 or (not in_chain and len(accounts) == 1), (urn, dependencies)
            predecessors[urn] = in_chain[0] if in_chain else accounts[0]
        heads = [urn for urn, before in predecessors.items() if by_urn[before].type == ACCOUNT]
        assert len(heads) == 1, f"{account}: the chain must start at the account exactly once"
        assert len(set(predecessors.values())) == len(members), f"{account}: two writes wait for the same one (they would run together)"
        for dependency in predecessors.values():
            assert _account_of(graph, dependency) == account


def test_two_accounts_share_no_dependency() -> None:
    graph = run_program("prod")
    accounts = {r.name for r in graph.of_type("foundry-kit:index:FoundryAccount")}
    assert len(accounts) == 2
    for resource in graph.resources:
        own = _account_of(graph, resource.urn)
        for dependency in resource.dependencies:
            other = _account_of(graph, dependency)
            assert other in ("", own), f"{resource.urn} waits for {dependency} of another account"


def test_accounts_are_protected(graph: Graph) -> None:
    accounts = graph.of_type(ACCOUNT)
    assert accounts and all(account.protect for account in accounts)
    assert not any(r.protect for r in graph.resources if r.type != ACCOUNT and not _in_hub(graph, r.urn))


def _in_hub(graph: Graph, urn: str) -> bool:
    """Under a FoundryHub: tests/unit/components/test_hub_endpoints.py checks hubs (protect, chains, deleted_with)."""
    by_urn = graph.by_urn()
    while urn in by_urn:
        if by_urn[urn].type == "foundry-kit:index:FoundryHub":
            return True
        urn = by_urn[urn].parent
    return False


def test_what_lives_inside_an_account_is_deleted_and_replaced_with_it(graph: Graph) -> None:
    """Azure deletes an account's children with it, and a replaced account starts empty:
    the engine must skip their deletes and recreate them. Private endpoints outlive it."""
    account_urns = {r.name: r.urn for r in graph.of_type(ACCOUNT)}
    by_urn = graph.by_urn()
    for resource in graph.resources:
        if resource.type in (ACCOUNT, "foundry-kit:index:FoundryAccount", "azure-native:resources:ResourceGroup") or \
                _in_hub(graph, resource.urn):
            continue
        if resource.type == "azure-native:network:PrivateEndpoint":
            assert (resource.deleted_with, resource.replace_with) == ("", [])
        elif resource.type == "azure-native:network:PrivateDnsZoneGroup":
            endpoint = by_urn[resource.deleted_with]
            assert endpoint.type == "azure-native:network:PrivateEndpoint"
            assert resource.replace_with == [endpoint.urn]
        else:
            account = account_urns[_account_of(graph, resource.urn)]
            assert (resource.deleted_with, resource.replace_with) == (account, [account]), resource.urn


def test_invalid_manifest_stops_the_program_with_the_validate_messages(tmp_path) -> None:
    import pulumi

    manifest = tmp_path / "bad.yaml"
    manifest.write_text("version: 1\nresourceGroup: {name: rg}\nlocation: eastus2\naccounts: {core: {name: a_b}}\n")
    with pytest.raises(pulumi.RunError) as caught:
        run_program("dev", {"foundry-kit:manifest": str(manifest)})
    assert str(caught.value) == (
        "the manifest is not valid:\n"
        f"{manifest}:4:25: accounts.core.name: 'a_b' cannot be the custom subdomain (letters, digits and '-' only): set subdomain")
