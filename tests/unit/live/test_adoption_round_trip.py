"""Adoption makes the engine's comparison (issue 20): an estate like the one a team runs (two
accounts, public access off with IP and VNet rules, system plus user-assigned identity, projects
with their own identities, tags on some children only, a deployment whose currentCapacity Azure
moved, one without a version upgrade option, one still running a retired model, a custom filter
with different prompt and completion levels, a blocklist with plain and regex terms) served by the
fake ARM, imported, planned and compared: zero differences; then each single change made in Azure
is reported once, by the resource that changed. Today is pinned (2026-12-07: gpt-4o 2024-08-06
retired on 2026-10-01)."""

from __future__ import annotations

from typing import Any

import pytest

from foundry_estate.cli import main as cli
from foundry_estate.components.naming import blocklist_item_name
from foundry_estate.manifest.model import BlocklistItem
from support.fake_arm import SUBSCRIPTION, FakeArm, account, blocklist_item, child, deployment

GROUP = "rg-search"
UAMI = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{GROUP}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-search"
SUBNET = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{GROUP}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/apps"
FILTER = [  # Azure's order (its GetRaiPolicy example): by category, the prompt's first
    {"name": "Hate", "blocking": True, "enabled": True, "severityThreshold": "Low", "source": "Prompt"},
    {"name": "Hate", "blocking": True, "enabled": True, "severityThreshold": "Medium", "source": "Completion"},
    {"name": "Violence", "blocking": True, "enabled": True, "severityThreshold": "High", "source": "Prompt"},
    {"name": "Jailbreak", "blocking": True, "enabled": True, "source": "Prompt"},
    {"name": "Indirect Attack", "blocking": True, "enabled": True, "source": "Prompt"},
    {"name": "Protected Material Text", "blocking": True, "enabled": True, "source": "Completion"},
]


def estate(arm: FakeArm) -> dict[str, Any]:
    swc = account(arm, GROUP, "aif-search-swc", location="swedencentral", publicNetworkAccess="Disabled",
                  networkAcls={"defaultAction": "Deny", "bypass": "AzureServices",
                               "ipRules": [{"value": "203.0.113.9"}, {"value": "198.51.100.0/24"}],
                               "virtualNetworkRules": [{"id": SUBNET, "ignoreMissingVnetServiceEndpoint": True,
                                                        "state": "Succeeded"}]},
                  defaultProject="search", associatedProjects=["search", "eval"], currentCapacity=None)
    swc["account"]["identity"] = {"type": "SystemAssigned, UserAssigned", "principalId": "p", "tenantId": "t",
                                  "userAssignedIdentities": {UAMI: {"principalId": "p2", "clientId": "c2"}}}
    swc["account"]["tags"] = {"owner": "search-team"}
    child(swc, "projects", "aif-search-swc/search", {"displayName": "search", "isDefault": True},
          location="swedencentral", identity={"type": "UserAssigned", "userAssignedIdentities": {UAMI: {}}})
    child(swc, "projects", "aif-search-swc/eval", {"displayName": "Evaluation"}, location="swedencentral",
          identity={"type": "SystemAssigned", "principalId": "p3"}, tags={"owner": "search-team"})
    child(swc, "raiPolicies", "strict", {"type": "UserManaged", "mode": "Default", "basePolicyName": "Microsoft.DefaultV2",
                                         "contentFilters": FILTER,
                                         "customBlocklists": [{"blocklistName": "banned", "blocking": True, "source": "Prompt"},
                                                              {"blocklistName": "banned", "blocking": True,
                                                               "source": "Completion"}]})
    child(swc, "raiBlocklists", "banned", {"description": "never"})
    for pattern, regex in (("secret project", False), (r"\d{3}-\d{2}-\d{4}", True)):
        blocklist_item(swc, "banned", blocklist_item_name(BlocklistItem(pattern, regex)), pattern, regex)
    deployment(swc, "chat", ("OpenAI", "gpt-5.1", "2025-11-13"), capacity=100, raiPolicyName="strict", currentCapacity=80)
    swc["deployments"][-1]["tags"] = {"cost-center": "4711"}  # its own tags, not the account's
    deployment(swc, "grok", ("xAI", "grok-4-1-fast-reasoning", "1"), capacity=50)
    deployment(swc, "deepseek", ("DeepSeek", "DeepSeek-R1", "1"), capacity=10)
    del swc["deployments"][-1]["properties"]["versionUpgradeOption"]  # Azure has none for it
    deployment(swc, "legacy-4o", ("OpenAI", "gpt-4o", "2024-08-06"), capacity=20)  # retired since 2026-10-01
    eus = account(arm, GROUP, "aif-search-eus2", location="eastus2")
    eus["account"]["tags"] = {"owner": "search-team"}
    deployment(eus, "mistral", ("Mistral AI", "Mistral-Large-3", "1"), capacity=5)
    return arm.groups[GROUP]


@pytest.fixture
def adopted(fake_arm, tmp_path, monkeypatch, capsys):
    (tmp_path / "Pulumi.yaml").write_text("name: search\nruntime: python\n")
    (tmp_path / "policy").mkdir()  # the project's guardrails: one rule the estate keeps
    (tmp_path / "policy" / "guardrails.yaml").write_text(
        "version: 1\nenvironments: {estate: imported}\nrules:\n  deployment-approved-model:\n"
        "    description: approved models only\n    level: mandatory\n    parameters: {formats: [xAI, OpenAI, DeepSeek, "
        "Mistral AI], models: [gpt-5.1, gpt-4o, grok-4-1-fast-reasoning, DeepSeek-R1, Mistral-Large-3]}\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FOUNDRY_KIT_TODAY", "2026-12-07")
    groups = estate(fake_arm)
    assert cli.main(["import", "--resource-group", GROUP, "--stack", "estate", "--subscription", SUBSCRIPTION]) == 0
    captured = capsys.readouterr()
    return groups, captured


def test_an_estate_running_a_retired_model_is_adopted_with_a_loud_warning(adopted, capsys) -> None:
    _, captured = adopted
    assert ("gpt-4o version 2024-08-06 is retired since 2026-10-01: this deployment already runs it in Azure"
            in captured.err), captured.err
    assert "HTTP 410" in captured.err
    assert cli.main(["validate", "stacks/estate.yaml"]) == 0  # validate reads stacks/estate.azure.json


def test_import_then_plan_is_the_import_alone(adopted, capsys) -> None:
    assert cli.main(["plan", "--stack", "estate"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "then update" not in out[0], "\n".join(line for line in out if "import, then update" in line)
    assert "to import (nothing changes in Azure)" in out[0]
    assert not any(line.lstrip().startswith("~") for line in out)


def test_drift_right_after_import_is_quiet(adopted, capsys) -> None:
    assert cli.main(["drift", "--stack", "estate"]) == 0, capsys.readouterr().out


def _tag(groups: dict, name: str) -> None:
    groups["aif-search-swc"]["account"]["tags"]["owner"] = "ml-team"


def _own_tag(groups: dict, name: str) -> None:
    groups["aif-search-swc"]["deployments"][0]["tags"]["cost-center"] = "0815"


def _project_identity(groups: dict, name: str) -> None:
    groups["aif-search-swc"]["projects"][1]["identity"] = {"type": "SystemAssigned, UserAssigned",
                                                          "userAssignedIdentities": {UAMI: {}}}


def _default_project(groups: dict, name: str) -> None:
    groups["aif-search-swc"]["account"]["properties"]["defaultProject"] = "eval"


def _ip_rule(groups: dict, name: str) -> None:
    groups["aif-search-swc"]["account"]["properties"]["networkAcls"]["ipRules"].append({"value": "192.0.2.1"})


def _filter_level(groups: dict, name: str) -> None:
    groups["aif-search-swc"]["raiPolicies"][0]["properties"]["contentFilters"][2]["severityThreshold"] = "Medium"


def _capacity(groups: dict, name: str) -> None:
    groups["aif-search-swc"]["deployments"][1]["sku"]["capacity"] = 60


def _version(groups: dict, name: str) -> None:
    groups["aif-search-eus2"]["deployments"][0]["properties"]["model"]["version"] = "2"


def _hand_made(groups: dict, name: str) -> None:
    deployment(groups["aif-search-eus2"], "side", ("Mistral AI", "Mistral-Large-3", "1"), capacity=1)


def _deleted(groups: dict, name: str) -> None:
    groups["aif-search-swc"]["projects"].pop(1)


def _term(groups: dict, name: str) -> None:
    blocklist_item(groups["aif-search-swc"], "banned", "by-hand", "new term")


@pytest.mark.parametrize("change, subject, said", [
    (_tag, "account aif-search-swc", "tags.owner is ml-team in Azure, the manifest says search-team"),
    (_own_tag, "deployment chat", "tags.cost-center is 0815 in Azure, the manifest says 4711"),
    (_project_identity, "project eval", "managed identity is SystemAssigned, UserAssigned in Azure, the manifest says "
                                        "SystemAssigned"),
    (_default_project, "account aif-search-swc", "properties.defaultProject is eval in Azure, the manifest says search"),
    (_ip_rule, "account aif-search-swc", 'properties.networkAcls.ipRules[2] is {"value": "192.0.2.1"} in Azure, the '
                                         "manifest says none"),
    (_filter_level, "content filter strict", "prompt violence is medium in Azure, the manifest says high"),
    (_capacity, "deployment grok", "capacity is 60 in Azure, the manifest says 50"),
    (_version, "deployment mistral", "model version is 2 in Azure, the manifest says 1"),
    (_hand_made, "deployment side", "exists in Azure, not in the manifest (made by hand?)"),
    (_deleted, "project eval", "in the manifest, missing in Azure (deleted there?)"),
    (_term, "blocklist banned", 'term "new term" is in Azure, not in the manifest'),
], ids=lambda v: v.__name__.strip("_") if callable(v) else None)
def test_each_single_change_in_azure_is_reported_once_by_the_resource_that_changed(adopted, capsys, change, subject,
                                                                                     said) -> None:
    groups, _ = adopted
    change(groups, subject)
    assert cli.main(["drift", "--stack", "estate"]) == 2
    lines = [line for line in capsys.readouterr().out.splitlines()[1:] if not line.startswith("  (not compared)")]
    assert lines and all(f"· {subject}: " in line for line in lines), lines  # only the resource that changed
    assert f"· {subject}: {said}" in lines[0], lines
    # one line per property that changed: a new identity is its type and its user-assigned ids
    assert len(lines) == (2 if change is _project_identity else 1), lines
