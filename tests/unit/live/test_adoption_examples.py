"""Shapes no one here wrote: the GET responses (`x-ms-examples`) of the 2025-06-01 spec for a
deployment, a RAI policy, a blocklist, a blocklist item and a project (tests/data/arm-spec), served
by the fake ARM under one account, imported, planned and compared with what azure-native reads
back from them. Every difference the plan shows is one import listed as not expressed, and the
rest is the import alone."""

from __future__ import annotations

import copy
import json
import os
from typing import Any

import pytest

from foundry_estate.cli import main as cli
from support import arm_spec
from support.fake_arm import SUBSCRIPTION, FakeArm, account

EXAMPLES = os.path.join(os.path.dirname(arm_spec.SPEC), "examples")
GROUP = "resourceGroupName"


def body(name: str) -> dict[str, Any]:
    with open(os.path.join(EXAMPLES, name), encoding="utf-8") as handle:
        return json.load(handle)["responses"]["200"]["body"]


def served(arm: FakeArm, entry: dict[str, Any], collection: str, example: dict[str, Any]) -> dict[str, Any]:
    """The example's body under the fake's account: its id rebased there, nothing else changed."""
    found = copy.deepcopy(example)
    found["id"] = f"{entry['account']['id']}/{example['id'].split('/accounts/', 1)[1].split('/', 1)[1]}"
    return found


@pytest.fixture
def imported(fake_arm, tmp_path, monkeypatch, capsys):
    (tmp_path / "Pulumi.yaml").write_text("name: examples\nruntime: python\n")
    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "guardrails.yaml").write_text(
        "version: 1\nenvironments: {estate: imported}\nrules:\n  deployment-approved-model:\n"
        "    description: approved models only\n    level: mandatory\n    parameters: {formats: [OpenAI], models: [ada]}\n")
    monkeypatch.chdir(tmp_path)
    entry = account(fake_arm, GROUP, "accountName")
    deployment = served(fake_arm, entry, "deployments", body("GetDeployment.json"))
    policy = served(fake_arm, entry, "raiPolicies", body("GetRaiPolicy.json"))
    blocklist = served(fake_arm, entry, "raiBlocklists", body("GetRaiBlocklist.json"))
    item = served(fake_arm, entry, "raiBlocklistItems", body("GetRaiBlocklistItem.json"))
    project = served(fake_arm, entry, "projects", body("GetProject.json"))
    # The only additions: the deployment uses the policy and the policy names the blocklist (the
    # kit adopts a filter some deployment uses and a blocklist some filter names).
    deployment["properties"]["raiPolicyName"] = policy["name"]
    policy["properties"]["customBlocklists"] = [{"blocklistName": blocklist["name"], "blocking": True, "source": source}
                                                for source in ("Prompt", "Completion")]
    entry["deployments"].append(deployment)
    entry["raiPolicies"].append(policy)
    entry["raiBlocklists"].append(blocklist)
    entry["raiBlocklistItems"][blocklist["name"]] = [item]
    entry["projects"].append(project)
    assert cli.main(["import", "--resource-group", GROUP, "--stack", "estate", "--subscription", SUBSCRIPTION]) == 0
    return capsys.readouterr()


def test_the_spec_examples_are_imported_planned_and_compared(imported, capsys) -> None:
    assert cli.main(["plan", "--stack", "estate"]) == 0
    out = capsys.readouterr().out.splitlines()
    updates = [line.strip() for line in out if "import, then update:" in line]
    adopted = [line.strip() for line in out if line.strip().startswith(("= ", "~ "))]
    assert sorted(line.split("  (")[0] for line in adopted) == [
        "= account accountName [accountName]", "= blocklist raiBlocklistName", "= content filter raiPolicyName",
        "= deployment deploymentName", "= project myProject"], (adopted, updates)
    assert updates == []


def test_drift_right_after_importing_the_examples_is_quiet(imported, capsys) -> None:
    assert cli.main(["drift", "--stack", "estate"]) == 0, capsys.readouterr().out
