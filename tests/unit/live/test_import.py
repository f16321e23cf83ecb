"""`foundry-estate import` and adoption: a synthetic estate (with the REST spec's example RAI policy and
blocklist items) served by the fake ARM (tests/support/fake_arm.py) to the real Azure SDK, written
as a manifest that validates; planning it under the mock engine (preview=False) declares, for every
imported resource, the inputs Azure returned, with Pulumi's `import` option set to its ARM id."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from foundry_estate.cli import main as cli
from foundry_estate.components.naming import blocklist_item_name
from foundry_estate.manifest.model import BlocklistItem
from foundry_estate.preview.diff import diff_plans
from foundry_estate.preview.engine import run_program
from foundry_estate.preview.plan import plan_stack
from foundry_estate.project.project import project_of
from foundry_estate.preview.summary import summarize
from foundry_estate.project.stacks import Stack, program_config
from support import arm_spec
from support.kill_writes import assert_whole_and_together, snapshot, stopped_runs
from support.fake_arm import SUBSCRIPTION, FakeArm, account, blocklist_item, child, deployment

EXAMPLES = os.path.join(os.path.dirname(arm_spec.SPEC), "examples")
GROUP = "rg-contoso-ai"


def example(name: str) -> Any:
    with open(os.path.join(EXAMPLES, name), encoding="utf-8") as handle:
        return json.load(handle)["responses"]["200"]["body"]["value"]


def contoso(arm: FakeArm) -> dict[str, dict[str, Any]]:
    """Two accounts as a portal and scripts leave them: filters, blocklists, projects, a firewall."""
    core = account(arm, GROUP, "aif-contoso-eus2", tags={"team": "ai"})
    core["account"]["tags"] = {"team": "ai"}
    policy = example("ListRaiPolicies.json")[0]  # the spec's example policy, on this account
    strict = child(core, "raiPolicies", "strict", {**policy["properties"], "type": "UserManaged",
                                                   "customBlocklists": [
                                                       {"blocklistName": "banned", "blocking": True, "source": "Prompt"},
                                                       {"blocklistName": "banned", "blocking": True, "source": "Completion"}]},
                   tags={"team": "ai"})
    child(core, "raiPolicies", "Microsoft.DefaultV2", {"type": "SystemManaged", "mode": "Blocking"})
    child(core, "raiBlocklists", "banned", {"description": "terms we never serve"}, tags={"team": "ai"})
    for item in example("ListBlocklistItems.json"):
        blocklist_item(core, "banned", item["name"], item["properties"]["pattern"])
    blocklist_item(core, "banned", "ssn", r"\d{3}-\d{2}-\d{4}", regex=True)
    deployment(core, "grok", ("xAI", "grok-4", "1"), capacity=40, raiPolicyName="strict",
               versionUpgradeOption="OnceNewDefaultVersionAvailable", tags={"team": "ai"})
    core["deployments"][-1]["tags"] = {"team": "ai"}
    deployment(core, "llama", ("Meta", "Llama-3.3-70B-Instruct", "10"), capacity=1)
    core["deployments"][-1]["tags"] = {"team": "ai"}
    child(core, "projects", "aif-contoso-eus2/playground", {"displayName": "Playground", "description": "try things"},
          location="eastus2", identity={"type": "SystemAssigned"}, tags={"team": "ai"})
    edge = account(arm, GROUP, "aif-contoso-weu", location="westeurope", customSubDomainName="contoso-weu",
                   disableLocalAuth=False, publicNetworkAccess="Enabled",
                   networkAcls={"defaultAction": "Deny", "bypass": "None", "ipRules": [{"value": "203.0.113.0/24"}],
                                "virtualNetworkRules": []})
    edge["account"]["identity"] = {"type": "None"}
    deployment(edge, "grok", ("xAI", "grok-4", "1"), capacity=5)
    return {"strict": strict}


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "Pulumi.yaml").write_text("name: contoso\nruntime: python\n")
    (tmp_path / "policy").mkdir()  # the project's guardrails: one the estate keeps
    (tmp_path / "policy" / "guardrails.yaml").write_text(
        "version: 1\nenvironments: {estate: imported, odd: imported}\nrules:\n  deployment-approved-model:\n    description: approved models only\n    level: mandatory\n"
        "    parameters: {formats: [xAI, Meta], models: [grok-4, Llama-3.3-70B-Instruct]}\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_import_writes_a_manifest_that_validates_and_lists_what_it_cannot_say(fake_arm, project, capsys) -> None:
    contoso(fake_arm)
    fake_arm.page_size = 2  # the items come in two pages
    assert cli.main(["import", "--resource-group", GROUP, "--stack", "estate", "--subscription", SUBSCRIPTION]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "wrote stacks/estate.yaml: 2 accounts, 3 deployments, 1 content filter, 1 blocklist, 1 project",
        "wrote stacks/estate.azure.json: what Azure holds, as pulumi-azure-native reads it back (plan compares with it)",
        "wrote stacks/Pulumi.estate.yaml (foundry-kit:adopt: true)",
        "next: foundry-estate plan --stack estate (what the first `pulumi up` imports, and what it then updates)"]
    core = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{GROUP}/providers/Microsoft.CognitiveServices/accounts/aif-contoso-eus2"
    assert err.splitlines() == [
        f"not expressed in the manifest: {core}/raiBlocklists/banned/raiBlocklistItems/{name}: the kit names blocklist "
        f"items by their term ({digest}): on adoption it creates this term under that name and leaves this item in "
        "place (the term is listed twice; delete this one when you like)"
        for name, digest in (("raiBlocklistItemName", blocklist_item_name(BlocklistItem("Pattern To Block", False))),
                             ("raiBlocklistItemName2", blocklist_item_name(BlocklistItem("Another Pattern To Block", False))),
                             ("ssn", blocklist_item_name(BlocklistItem(r"\d{3}-\d{2}-\d{4}", True))))]
    manifest = (project / "stacks" / "estate.yaml").read_text()
    assert manifest.startswith("# yaml-language-server: $schema=../schemas/manifest.schema.json\n")
    assert (project / "stacks" / "Pulumi.estate.yaml").read_text().endswith(
        f"config:\n  azure-native:location: eastus2\n  azure-native:subscriptionId: {SUBSCRIPTION}\n"
        "  foundry-kit:adopt: true\n")
    assert cli.main(["validate", "stacks/estate.yaml"]) == 0


def test_import_refuses_to_overwrite_and_names_a_missing_group(fake_arm, project, capsys) -> None:
    contoso(fake_arm)
    (project / "stacks").mkdir()
    (project / "stacks" / "estate.yaml").write_text("version: 1\n")
    assert cli.main(["import", "--resource-group", GROUP, "--stack", "estate", "--subscription", SUBSCRIPTION]) == 1
    assert "stacks/estate.yaml:1:1: exists: import writes a new manifest; pass --force" in capsys.readouterr().err
    assert cli.main(["import", "--resource-group", "rg-gone", "--stack", "other", "--subscription", SUBSCRIPTION]) == 1
    assert f"resource group rg-gone does not exist in subscription {SUBSCRIPTION}" in capsys.readouterr().err
    assert not (project / "stacks" / "other.yaml").exists()


def _leaves(value: Any, path: str = "") -> dict[str, Any]:
    """Values by dotted path; a list is one value, in a canonical order (Azure ignores the order
    of a policy's filters; the kit sorts them)."""
    if isinstance(value, dict):
        return {k: v for key, item in value.items() for k, v in _leaves(item, f"{path}.{key}" if path else key).items()}
    if isinstance(value, list):
        return {path: sorted(value, key=lambda item: json.dumps(item, sort_keys=True))}
    return {path: value}


# Inputs that name or place a resource (its id says the same) rather than describe it.
_PLACEMENT = {"resourceGroupName", "accountName", "deploymentName", "raiPolicyName", "raiBlocklistName", "projectName",
              "resourceName", "raiBlocklistItemName"}


def test_import_then_plan_declares_what_azure_returned_and_imports_it(fake_arm, project, capsys) -> None:
    contoso(fake_arm)
    assert cli.main(["import", "--resource-group", GROUP, "--stack", "estate", "--subscription", SUBSCRIPTION]) == 0
    stack = Stack("estate", "stacks/Pulumi.estate.yaml", "stacks/estate.yaml")
    graph = run_program("estate", program_config(stack), preview=False)
    by_id: dict[str, dict[str, Any]] = {}
    for entry in fake_arm.groups[GROUP].values():
        by_id[entry["account"]["id"]] = entry["account"]
        for collection in ("deployments", "raiPolicies", "raiBlocklists", "projects"):
            by_id.update({body["id"]: body for body in entry[collection]})
    adopted = [r for r in graph.resources if r.custom and r.import_id]
    assert sorted(r.import_id for r in adopted) == sorted(
        i for i in by_id if not i.endswith("/raiPolicies/Microsoft.DefaultV2"))
    for resource in adopted:
        azure = _leaves(by_id[resource.import_id])
        declared = {path: value for path, value in _leaves(resource.inputs).items() if path not in _PLACEMENT}
        differing = {path: (value, azure.get(path)) for path, value in declared.items() if azure.get(path) != value}
        assert differing == {}, resource.import_id
    items = [r for r in graph.resources if r.type == "azure-native:cognitiveservices:RaiBlocklistItem"]
    assert len(items) == 3 and not any(r.import_id for r in items)  # created under the kit's names (see adoption.py)


def test_plan_and_diff_show_adoption(fake_arm, project, capsys) -> None:
    contoso(fake_arm)
    assert cli.main(["import", "--resource-group", GROUP, "--stack", "estate", "--subscription", SUBSCRIPTION]) == 0
    capsys.readouterr()
    assert cli.main(["plan", "--stack", "estate"]) == 0
    out = capsys.readouterr().out.splitlines()
    # every imported resource reads back equal to what the program declares: the import alone
    assert out[0] == ("Stack estate (stacks/estate.yaml): 3 resources to create, 8 to import (nothing changes in Azure) "
                      "(offline plan: Pulumi's mock engine, no cloud access)")
    assert any(line.startswith("  = account aif-contoso-eus2") for line in out)
    assert any(line.startswith("      = deployment grok") for line in out)
    assert any(line.startswith("      = content filter strict") for line in out)
    assert not any("import, then update" in line for line in out)


def test_what_the_manifest_cannot_say_is_listed_with_the_resource_id(fake_arm, project, capsys) -> None:
    entry = account(fake_arm, GROUP, "aif-odd", sku="F0")
    entry["account"]["sku"] = {"name": "F0"}
    entry["account"]["properties"]["allowProjectManagement"] = False
    deployment(entry, "claude", ("Anthropic", "claude-sonnet-4-5", "20250929"))
    deployment(entry, "grok", ("xAI", "grok-4", "1"), raiPolicyName="loose", tags={"owner": "bob"})
    entry["deployments"][-1]["tags"] = {"owner": "bob"}
    child(entry, "raiPolicies", "loose", {"type": "UserManaged", "basePolicyName": "Microsoft.DefaultV2", "contentFilters": [
        {"name": "Hate", "source": "Prompt", "enabled": False, "blocking": False, "severityThreshold": "Medium"},
        {"name": "Jailbreak", "source": "Completion", "enabled": True, "blocking": True}],
        "customBlocklists": [{"blocklistName": "words", "blocking": True, "source": "Prompt"}]})
    child(entry, "raiPolicies", "unused", {"type": "UserManaged", "basePolicyName": "Microsoft.DefaultV2"})
    child(entry, "raiBlocklists", "words", {})
    assert cli.main(["import", "--resource-group", GROUP, "--account", "aif-odd", "--stack", "odd",
                     "--subscription", SUBSCRIPTION]) == 0
    odd = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{GROUP}/providers/Microsoft.CognitiveServices/accounts/aif-odd"
    assert capsys.readouterr().err.splitlines() == [f"not expressed in the manifest: {odd}{line}" for line in (
        ": SKU F0: the manifest knows S0 only; it says S0, which `pulumi up` would set",
        ": allowProjectManagement is off; the kit turns it on for AIServices accounts",
        "/raiPolicies/loose: prompt hate is off with threshold Medium; the kit sends High (no effect while off)",
        "/raiPolicies/loose: filter Jailbreak on Completion has no place in the manifest (not written)",
        "/raiPolicies/loose: blocklist words blocks on Prompt; the kit applies a filter's blocklists to prompts and "
        "completions, blocking",
        "/raiPolicies/unused: no deployment uses this content filter; the kit creates a filter only on accounts whose "
        "deployments use it (not written)",
        "/deployments/claude: an Anthropic deployment: Azure does not return its modelProviderData, which the manifest "
        "requires; add it under accounts.<key>.deployments by hand (not written)",
    )]  # (a deployment's own tags are written as its own: nothing to note)


def test_diff_says_adopted_nothing_changes(fake_arm, project, capsys) -> None:
    contoso(fake_arm)
    assert cli.main(["import", "--resource-group", GROUP, "--stack", "estate", "--subscription", SUBSCRIPTION]) == 0
    stack = Stack("estate", "stacks/Pulumi.estate.yaml", "stacks/estate.yaml")
    head = plan_stack(stack, project_of(stack))
    sentences = [str(s) for s in summarize(diff_plans("estate", None, head))]
    assert "estate · aif-contoso-eus2 · deployment grok: adopted, nothing changes in Azure" in sentences
    assert "estate · aif-contoso-weu · account aif-contoso-weu: adopted, nothing changes in Azure" in sentences
    assert "estate: new stack: 3 resources to create" in sentences  # the blocklist items, under the kit's names
    assert sum(s.endswith("adopted, nothing changes in Azure") for s in sentences) == 8


def test_adopting_needs_the_subscription(project, capsys) -> None:
    (project / "stacks").mkdir()
    (project / "stacks" / "Pulumi.a.yaml").write_text("config:\n  foundry-kit:adopt: true\n")
    (project / "stacks" / "a.yaml").write_text(
        "version: 1\nlocation: eastus2\nresourceGroup: {name: rg, create: false}\naccounts:\n  core: {name: aif-a}\n")
    with pytest.raises(Exception, match="foundry-kit:adopt is true: set azure-native:subscriptionId too"):
        run_program("a", program_config(Stack("a", "stacks/Pulumi.a.yaml", "stacks/a.yaml")), preview=False)


def test_plan_of_an_adopted_stack_says_each_difference_from_azure_and_refuses_a_replacement(fake_arm, project, capsys) -> None:
    """The manifest edited after import: each class of difference is an `import, then update`
    line in the diff's words; a difference azure-native replaces for is an error at the manifest
    entry (Pulumi refuses to replace a resource that still has its `import` option)."""
    contoso(fake_arm)
    assert cli.main(["import", "--resource-group", GROUP, "--stack", "estate", "--subscription", SUBSCRIPTION]) == 0
    manifest = project / "stacks" / "estate.yaml"
    text = manifest.read_text()
    edited = text.replace("team: ai", "team: platform", 1).replace("capacity: 40", "capacity: 50", 1)
    manifest.write_text(edited)
    capsys.readouterr()
    assert cli.main(["plan", "--stack", "estate"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "      import, then update: tags.team: 'ai' in Azure → 'platform' in the manifest" in out
    assert "          import, then update: sku.capacity: 40 in Azure → 50 in the manifest" in out
    # children whose tags in Azure are the account's inherit the account's, so they change with it, each said
    assert out.count("          import, then update: tags.team: 'ai' in Azure → 'platform' in the manifest") == 5
    manifest.write_text(text.replace("location: westeurope", "location: northeurope", 1))
    assert cli.main(["plan", "--stack", "estate"]) == 1
    err = capsys.readouterr().err
    assert "account aif-contoso-weu: location: 'westeurope' in Azure → 'northeurope' in the manifest: azure-native would " \
           "replace it for that, and previously-imported resources that still specify an ID may not be replaced" in err


def test_import_force_replaces_the_manifest_only_with_a_valid_one(fake_arm, project, capsys) -> None:
    account_entry = account(fake_arm, GROUP, "aif-contoso-eus2")
    deployment(account_entry, "mystery", ("xAI", "grok-4", "1"), capacity=0)  # Azure holds what no manifest may say
    (project / "stacks").mkdir()
    (project / "stacks" / "estate.yaml").write_text("version: 1\n")
    argv = ["import", "--resource-group", GROUP, "--stack", "estate", "--subscription", SUBSCRIPTION, "--force"]
    assert cli.main(argv) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == ["stacks/estate.yaml:1:1: the imported manifest is not valid (the problems that follow): the "
                   "manifest in place was left as it was",
                   "stacks/estate.yaml:20:19: accounts.aif-contoso-eus2.deployments.mystery.capacity: 0 is less than "
                   "the minimum of 1"]
    assert (project / "stacks" / "estate.yaml").read_text() == "version: 1\n"
    assert sorted(os.listdir(project / "stacks")) == ["estate.yaml"]


@pytest.mark.slow  # some 12 imports; stack new is stopped at every step in the fast tier (test_whole_writes)
@pytest.mark.parametrize("mode", ["kill", "full"])
def test_import_force_stopped_at_any_step_leaves_the_old_manifest_or_every_new_file(fake_arm, project, mode) -> None:
    contoso(fake_arm)
    fake_arm.max_requests = 13 * 30  # 12 runs of the import, each reading the estate once
    (project / "stacks").mkdir()
    (project / "stacks" / "estate.yaml").write_text("version: 1\n")
    old = snapshot(str(project))
    # stack new is stopped at every step (tests/acceptance/test_whole_writes.py); import at 10 of them
    runs = stopped_runs(["import", "--resource-group", GROUP, "--stack", "estate", "--subscription", SUBSCRIPTION,
                         "--force"], project, mode, sample=10 if mode == "kill" else 0)
    assert_whole_and_together(runs, old, mode)
    assert {"stacks/estate.yaml", "stacks/Pulumi.estate.yaml"} <= set(runs[-1]["after"])
