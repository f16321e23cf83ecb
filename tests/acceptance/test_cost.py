"""`foundry-estate cost` in its three formats on a project of its own, a project's own prices,
the plan and the manifest billing the same items, and what a change costs in `diff`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from foundry_estate.catalog.billed import from_manifest
from foundry_estate.cli import main as cli
from support.diff_project import diff_project, edit


PROJECT_PRICES = """\
version: 1
prices:
  - kind: inputTokens
    format: OpenAI
    model: gpt-5.1
    sku: GlobalStandard
    region: eastus2
    price: 1.25
    currency: USD
    unit: 1M tokens
    effective: "2025-11-13"
    source: {page: "https://azure.microsoft.com/pricing/details/cognitive-services/openai-service/", checked: "2026-12-01"}
  - kind: outputTokens
    format: OpenAI
    model: gpt-5.1
    sku: GlobalStandard
    region: eastus2
    price: 10
    currency: USD
    unit: 1M tokens
    effective: "2025-11-13"
    source: {page: "https://azure.microsoft.com/pricing/details/cognitive-services/openai-service/", checked: "2026-12-01"}
"""


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    """A project `init` writes (one dev stack: gpt-5.1 GlobalStandard in eastus2), as the working directory."""
    assert cli.main(["init", str(tmp_path), "--project", "team"]) == 0
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    return tmp_path


def test_cost_json_has_the_documented_shape_and_a_project_adds_its_own_prices(team: Path, capsys) -> None:
    assert cli.main(["cost", "--format", "json"]) == 0
    before = json.loads(capsys.readouterr().out)
    assert before == {"stacks": [{"stack": "dev", "currency": "USD", "monthly": 0.0, "lines": [{
        "resource": "aif-team-dev/chat", "quantity": None, "unitPrice": None, "unit": "1M tokens", "hoursPerMonth": None,
        "monthly": None, "inputPerMillion": None, "outputPerMillion": None, "source": None}]}]}
    (team / "catalog").mkdir()
    (team / "catalog" / "prices.yaml").write_text(PROJECT_PRICES)
    manifest = team / "stacks" / "dev.yaml"
    manifest.write_text(manifest.read_text().replace(
        "        capacity: 10\n", "        capacity: 10\n        usage: {inputTokensPerMonth: 30000000, outputTokensPerMonth: 2000000}\n", 1))
    assert cli.main(["cost", "--format", "json"]) == 0
    line = json.loads(capsys.readouterr().out)["stacks"][0]["lines"][0]
    assert (line["inputPerMillion"], line["outputPerMillion"], line["monthly"]) == (1.25, 10.0, 57.5)
    assert line["source"] == ("https://azure.microsoft.com/pricing/details/cognitive-services/openai-service/ (checked 2026-12-01), "
                              "this project's price at catalog/prices.yaml:3:5; "
                              "https://azure.microsoft.com/pricing/details/cognitive-services/openai-service/ (checked 2026-12-01), "
                              "this project's price at catalog/prices.yaml:13:5")


def test_cost_text_and_markdown_show_the_arithmetic_and_what_the_total_leaves_out(team: Path, capsys) -> None:
    manifest = team / "stacks" / "dev.yaml"
    manifest.write_text(manifest.read_text().replace("sku: GlobalStandard\n        capacity: 10",
                                                     "sku: GlobalProvisionedManaged\n        capacity: 15", 1))
    assert cli.main(["cost", "--manifest", "stacks/dev.yaml"]) == 0  # a bare manifest: no guardrails (dev's allow no PTUs)
    out = capsys.readouterr().out.splitlines()
    assert out[:3] == [
        "Monthly cost estimate (list prices in USD; 730 hours a month, Azure's convention)",
        "Stack dev: $10,950.00 a month",
        "  aif-team-dev/chat    $10,950.00  15 PTUs x $1/hour x 730 hours"]
    assert out[3].strip().startswith("source: Azure Retail Prices API meter 6dcdbfc4-1d28-5883-84c2-dcdb88e21b56 "
                                     "(Azure OpenAI / Provisioned Managed Global Unit: 1 USD per 1/Hour")
    assert cli.main(["cost", "--manifest", "stacks/dev.yaml", "--format", "markdown"]) == 0
    markdown = capsys.readouterr().out
    assert "| dev | $10,950.00 | - |" in markdown
    assert "| `aif-team-dev/chat` | $10,950.00 | 15 PTUs x $1/hour x 730 hours | [1] |" in markdown
    assert "\n1. Azure Retail Prices API meter 6dcdbfc4-1d28-5883-84c2-dcdb88e21b56 " in markdown


def test_the_manifest_and_the_program_bill_the_same_items() -> None:
    """validate (the manifest) and plan (the registered resources) name and size every billed item
    alike, for every stack of this repository (model deployments, PTU and token-priced, and online ones)."""
    from foundry_estate.preview.plan import plan_stack
    from foundry_estate.project.project import project_of
    from foundry_estate.project.stacks import discover
    from support.examples import REPO

    for stack in discover(REPO):
        project = project_of(stack)
        plan = plan_stack(stack, project)
        assert plan.cost is not None
        manifest = project.validated(stack.manifest_file).manifest
        strip = lambda b: (b.resource, b.kind, b.region, b.quantity, b.sku, b.format, b.model, b.instance_type, b.usage)  # noqa: E731
        assert sorted(map(strip, from_manifest(manifest))) == sorted(strip(line.billed) for line in plan.cost.lines)


def test_the_diff_delta_is_the_cost_of_what_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    """Five more PTUs (+5 x $1 x 730) and declared usage on a token-priced deployment (+$2,200) are the
    stack's delta, line by line; a renamed PTU deployment bills under both names while both exist."""
    root = diff_project(tmp_path)
    monkeypatch.chdir(root)
    edit(root, "prod.yaml", "sku: GlobalProvisionedManaged\n        capacity: 15\n", "sku: GlobalProvisionedManaged\n        capacity: 20\n")
    edit(root, "prod.yaml", "        capacity: 200\n        contentFilter: strict\n",
         "        capacity: 200\n        contentFilter: strict\n"
         "        usage: {inputTokensPerMonth: 200000000, outputTokensPerMonth: 40000000}\n")
    assert cli.main(["diff", "--base", "HEAD", "--stack", "prod", "--format", "json"]) == 2  # changes
    prod = json.loads(capsys.readouterr().out)["stacks"][0]
    assert prod["monthlyCost"] == {"base": 10950.0, "head": 16800.0, "delta": 5850.0}
    assert [(c["resource"], c["base"], c["head"], c["delta"], c["renamed"]) for c in prod["costChanges"]] == [
        ("aif-contoso-prod-eus2/chat-default", 10950.0, 14600.0, 3650.0, False),
        ("aif-contoso-prod-eus2/grok-4", None, 2200.0, 2200.0, False)]  # before: per use, $0 in the total
    assert cli.main(["diff", "--base", "HEAD", "--stack", "prod"]) == 2
    out = capsys.readouterr().out.splitlines()
    assert out[1] == ("  Monthly cost at list price: $10,950.00 → $16,800.00 a month (+$5,850.00), leaves out 6 unknown prices "
                      "and 2 token-priced deployments without declared usage")
    assert sum(c["delta"] for c in prod["costChanges"]) == prod["monthlyCost"]["delta"]
    assert out[2] == "      +$3,650.00  aif-contoso-prod-eus2/chat-default: $10,950.00 → $14,600.00 (20 PTUs x $1/hour x 730 hours)"


def test_a_renamed_ptu_deployment_bills_under_both_names_while_both_exist(tmp_path: Path, monkeypatch, capsys) -> None:
    root = diff_project(tmp_path)
    monkeypatch.chdir(root)
    edit(root, "prod.yaml", "      chat-default:\n        model: {format: OpenAI, name: gpt-5.1, version: \"2025-11-13\"}\n"
                            "        sku: GlobalProvisionedManaged",
         "      chat-ptu:\n        model: {format: OpenAI, name: gpt-5.1, version: \"2025-11-13\"}\n        sku: GlobalProvisionedManaged")
    assert cli.main(["diff", "--base", "HEAD", "--stack", "prod", "--format", "json"]) == 2  # changes
    prod = json.loads(capsys.readouterr().out)["stacks"][0]
    assert prod["monthlyCost"] == {"base": 10950.0, "head": 10950.0, "delta": 0.0}
    assert [(c["resource"], c["base"], c["head"], c["delta"], c["renamed"]) for c in prod["costChanges"]] == [
        ("aif-contoso-prod-eus2/chat-default", 10950.0, None, -10950.0, True),
        ("aif-contoso-prod-eus2/chat-ptu", None, 10950.0, 10950.0, True)]
