"""`foundry-estate plan`: the offline plan of the example stacks, its JSON and its errors."""

import io
import json
import os
import shutil

import pytest

from foundry_estate.cli import main as cli
from support.examples import REPO
from foundry_estate.preview.engine import UNKNOWN
from foundry_estate.preview.plan import plan_document, plan_stack
from foundry_estate.cli.plan_report import text
from foundry_estate.project.project import project_of
from foundry_estate.project.stacks import discover
from support.examples import EXAMPLE_STACKS, copy_examples
from support.golden import assert_matches_golden, assert_text_matches_golden

GOLDEN = os.path.join(REPO, "tests", "golden")
STACKS = {stack.name: stack for stack in discover(REPO)}


@pytest.fixture(scope="module")
def prod_plan():
    return plan_stack(STACKS["prod"], project_of(STACKS["prod"]))


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_plan_matches_golden(stack: str) -> None:
    plan = plan_stack(STACKS[stack], project_of(STACKS[stack]))
    assert_matches_golden(plan_document(plan), os.path.join(GOLDEN, f"plan-{stack}.json"))


def test_plan_text_matches_golden(prod_plan, tmp_path) -> None:
    out = io.StringIO()
    text([prod_plan], out)
    assert_text_matches_golden(out.getvalue(), os.path.join(GOLDEN, "plan-prod.txt"))


def test_values_azure_computes_are_unknown_and_everything_else_is_known(prod_plan) -> None:
    account = prod_plan.outputs["accounts"]["aif-contoso-prod-eus2"]
    assert account["endpoint"] == UNKNOWN
    assert account["openaiBaseUrl"] == "https://aif-contoso-prod-eus2.openai.azure.com/openai/v1/"
    roles = [r for r in prod_plan.resources if r.type == "azure-native:authorization:RoleAssignment"]
    assert {r.inputs["scope"] for r in roles} == {UNKNOWN}  # the account's id
    assert all(r.inputs["roleDefinitionId"].startswith("/subscriptions/") for r in roles)
    deployment = next(r for r in prod_plan.resources if r.azure_name == "grok-4")
    assert deployment.inputs["sku"] == {"name": "GlobalStandard", "capacity": 200}  # integers stay integers
    assert deployment.account == "aif-contoso-prod-eus2"


def test_plan_carries_quota_use(prod_plan) -> None:
    grok = next(q for q in prod_plan.quotas if q.model == "grok-4")
    assert (grok.location, grok.sku, grok.requested, grok.limit, grok.deployments) == (
        "eastus2", "GlobalStandard", 200, 400, ("core/grok-4",))


def test_json_is_stable_across_runs(capsys) -> None:
    assert cli.main(["plan", "--stack", "dev", "--format", "json"]) == 0
    first = capsys.readouterr().out
    assert cli.main(["plan", "--stack", "dev", "--format", "json"]) == 0
    assert capsys.readouterr().out == first
    document = json.loads(first)
    assert [s["stack"] for s in document["stacks"]] == ["dev"]
    assert "0x" not in first  # no memory addresses


def test_unknown_stack_is_a_user_error(monkeypatch, tmp_path, capsys) -> None:
    monkeypatch.chdir(copy_examples(tmp_path))
    assert cli.main(["plan", "--stack", "staging"]) == 1
    assert capsys.readouterr().err.strip() == "stacks:1:1: no stack staging: stacks are dev, prod"


def test_an_invalid_manifest_is_reported_like_validate_and_nothing_runs(tmp_path, capsys) -> None:
    manifest = tmp_path / "broken.yaml"
    manifest.write_text("version: 1\nresourceGroup: {name: rg}\naccounts: {}\nlocation: eastus2\nbogus: 1\n")
    assert cli.main(["plan", "--manifest", str(manifest)]) == 1
    assert capsys.readouterr().err.splitlines() == [f"{manifest}:3:11: accounts: must not be empty",
                                                    f"{manifest}:5:1: bogus: unknown key 'bogus'"]


def test_manifest_flag_plans_a_bare_file_as_a_stack(tmp_path, capsys) -> None:
    manifest = tmp_path / "staging.yaml"
    with open(os.path.join(REPO, "stacks", "dev.yaml"), encoding="utf-8") as handle:
        dev = handle.read()
    manifest.write_text(dev)  # extends common.yaml, beside it (extends stays in the manifest's directory outside a project)
    shutil.copy(os.path.join(REPO, "stacks", "common.yaml"), tmp_path / "common.yaml")
    assert cli.main(["plan", "--manifest", str(manifest), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)["stacks"][0]
    assert document["stack"] == "staging"
    assert all(r["urn"].startswith("urn:pulumi:staging::foundry-kit::") for r in document["resources"])
