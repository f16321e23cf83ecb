"""What a stack costs a month at list price: the price table (catalog/prices.yaml and a project's
own), the arithmetic of each kind of line, and `foundry-estate cost` in its three formats."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from foundry_estate.catalog.billed import from_manifest
from foundry_estate.catalog.estimate import HOURS_PER_MONTH, INSTANCES, PTU, TOKENS, Billed, Usage, estimate
from foundry_estate.catalog.meters import per_unit
from foundry_estate.catalog.prices import PRICES_FILE, Meter, Price, PriceTable, load_prices, shipped_prices
from foundry_estate.cli import main as cli
from foundry_estate.errors import KitError

DAY = date(2025, 8, 25)


def price(kind: str, value: float, unit: str, **what: str) -> Price:
    return Price(kind, what.pop("region", "eastus2"), value, "USD", unit, DAY, retrieved=DAY,
                 page="https://azure.microsoft.com/pricing/details/example/", **what)  # type: ignore[arg-type]


TABLE = PriceTable("test", (
    price("ptuHour", 1.0, "1 hour", format="OpenAI", sku="GlobalProvisionedManaged"),
    price("ptuHour", 0.5, "1 hour", format="OpenAI", model="gpt-5", sku="GlobalProvisionedManaged"),
    price("inputTokens", 5.5, "1M tokens", format="xAI", model="grok-4", sku="GlobalStandard"),
    price("outputTokens", 27.5, "1M tokens", format="xAI", model="grok-4", sku="GlobalStandard"),
    price("inputTokens", 1.25, "1M tokens", format="OpenAI", model="gpt-5", sku="GlobalStandard"),
    price("instanceHour", 3.67, "1 hour", instance_type="Standard_NC24ads_A100_v4"),
))


def test_a_ptu_line_is_ptus_times_the_hourly_rate_of_its_type_times_730_hours() -> None:
    line = estimate("s", [Billed("acct/chat", PTU, "eastus2", 15, "GlobalProvisionedManaged", "OpenAI", "gpt-5.1")], TABLE).lines[0]
    assert HOURS_PER_MONTH == 730
    assert (line.unit_price, line.hours_per_month, line.monthly) == (Decimal("1.0"), 730, Decimal("10950.0"))
    # a model's own PTU-hour comes before its format's
    own = estimate("s", [Billed("acct/chat", PTU, "eastus2", 15, "GlobalProvisionedManaged", "OpenAI", "gpt-5")], TABLE).lines[0]
    assert own.monthly == Decimal("5475.00")


def test_an_online_deployment_line_is_instances_times_the_vm_hour_times_730_hours() -> None:
    cost = estimate("s", [Billed("proj/ep/blue", INSTANCES, "eastus2", 4, instance_type="standard_nc24ads_a100_v4")], TABLE)
    assert cost.lines[0].monthly == 4 * Decimal("3.67") * 730 == cost.monthly


def test_a_token_line_has_its_prices_per_million_and_a_monthly_figure_only_with_usage() -> None:
    billed = Billed("acct/grok", TOKENS, "eastus2", 200, "GlobalStandard", "xAI", "grok-4")
    bare = estimate("s", [billed], TABLE)
    assert (bare.lines[0].input_per_million, bare.lines[0].output_per_million, bare.lines[0].monthly) == \
        (Decimal("5.5"), Decimal("27.5"), None)
    assert bare.monthly == 0 and bare.usage_undeclared == bare.lines and not bare.unknown
    used = estimate("s", [Billed("acct/grok", TOKENS, "eastus2", 200, "GlobalStandard", "xAI", "grok-4",
                                 usage=Usage(200_000_000, 40_000_000))], TABLE)
    assert used.lines[0].monthly == 200 * Decimal("5.5") + 40 * Decimal("27.5") == Decimal("2200")


def test_an_unknown_price_is_listed_as_unknown_and_left_out_of_the_total() -> None:
    cost = estimate("s", [
        Billed("acct/a", PTU, "westus", 10, "GlobalProvisionedManaged", "OpenAI", "gpt-5.1"),  # no price in westus
        Billed("acct/b", TOKENS, "eastus2", 1, "GlobalStandard", "OpenAI", "gpt-5", usage=Usage(1, 1)),  # no output price
        Billed("acct/c", PTU, "eastus2", 2, "GlobalProvisionedManaged", "OpenAI", "gpt-5.1"),
    ], TABLE)
    assert [line.unknown for line in cost.lines] == [
        "no PTU-hour price for OpenAI GlobalProvisionedManaged in westus",
        "no output token price for OpenAI gpt-5 GlobalStandard in eastus2", ""]
    assert [line.monthly for line in cost.lines[:2]] == [None, None] and cost.monthly == 2 * 730


def test_the_shipped_table_cites_a_meter_for_every_price_and_converts_its_unit() -> None:
    table = shipped_prices()
    assert table.prices and all(p.meter is not None and p.via and p.via.startswith("https://github.com/") for p in table.prices)
    for p in table.prices:
        assert p.meter is not None
        item = {"unitOfMeasure": p.meter.unit_of_measure, "retailPrice": p.meter.retail_price}
        assert per_unit(item, p) == Decimal(str(p.price)), p


def test_a_broken_price_table_is_reported_at_its_lines(tmp_path: Path) -> None:
    path = tmp_path / "prices.yaml"
    entry = ("  - {kind: %s, %s region: eastus2, price: 1, currency: USD, unit: %s, effective: '2025-01-01',\n"
             "     source: {page: 'https://azure.microsoft.com/pricing/', checked: '2025-02-30'}}\n")
    path.write_text("version: 1\nprices:\n"
                    + entry % ("ptuHour", "format: OpenAI, sku: GlobalProvisionedManaged,", "1M tokens")
                    + entry % ("inputTokens", "format: OpenAI, sku: GlobalStandard,", "1M tokens")
                    + entry % ("ptuHour", "format: OpenAI, sku: GlobalProvisionedManaged,", "1 hour"))
    with pytest.raises(KitError) as raised:
        load_prices(str(path))
    assert [str(problem) for problem in raised.value.problems] == [
        f"{path}:3:116: prices[0].unit: a ptuHour price is per 1 hour, not per 1M tokens",
        f"{path}:4:70: prices[0].source.checked: '2025-02-30' is not a date that exists",
        f"{path}:5:5: prices[1]: an inputTokens price names its model",
        f"{path}:6:70: prices[1].source.checked: '2025-02-30' is not a date that exists",
        f"{path}:7:5: prices[2]: this price is already listed at line 3",
        f"{path}:8:70: prices[2].source.checked: '2025-02-30' is not a date that exists",
    ]


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
    from foundry_estate.project.stacks import discover
    from foundry_estate.validate import load_manifest
    from support.examples import REPO

    for stack in discover(REPO):
        plan = plan_stack(stack)
        assert plan.cost is not None
        manifest = load_manifest(stack.manifest_file).manifest
        strip = lambda b: (b.resource, b.kind, b.region, b.quantity, b.sku, b.format, b.model, b.instance_type, b.usage)  # noqa: E731
        assert sorted(map(strip, from_manifest(manifest))) == sorted(strip(line.billed) for line in plan.cost.lines)


def test_the_table_file_is_what_refresh_writes() -> None:
    from foundry_estate.catalog.prices import prices_text

    with open(PRICES_FILE, encoding="utf-8") as handle:
        assert handle.read() == prices_text(load_prices(PRICES_FILE))


def test_meter_fields_are_kept() -> None:
    table = shipped_prices()
    assert any(p.meter == Meter("6dcdbfc4-1d28-5883-84c2-dcdb88e21b56", "Azure OpenAI", "Provisioned Managed Global",
                                "Provisioned Managed Global Unit", "1/Hour", 1.0) and p.region == "eastus2"
               and p.sku == "GlobalProvisionedManaged" for p in table.prices)


def test_the_diff_delta_is_the_cost_of_what_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    """Five more PTUs (+5 x $1 x 730) and declared usage on a token-priced deployment (+$2,200) are the
    stack's delta, line by line; a renamed PTU deployment bills under both names while both exist."""
    from test_diff import _project, edit

    root = _project(tmp_path)
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
        ("aif-contoso-prod-eus2/grok-4", None, 2200.0, None, False)]  # no monthly figure before: per use
    assert cli.main(["diff", "--base", "HEAD", "--stack", "prod"]) == 2
    out = capsys.readouterr().out.splitlines()
    assert out[1] == ("  Monthly cost at list price: $10,950.00 -> $16,800.00 a month (+$5,850.00; some changed lines have no "
                      "monthly figure), leaves out 6 unknown prices and 2 token-priced deployments without declared usage")
    assert out[2] == "      +$3,650.00  aif-contoso-prod-eus2/chat-default: $10,950.00 -> $14,600.00 (20 PTUs x $1/hour x 730 hours)"


def test_a_renamed_ptu_deployment_bills_under_both_names_while_both_exist(tmp_path: Path, monkeypatch, capsys) -> None:
    from test_diff import _project, edit

    root = _project(tmp_path)
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
