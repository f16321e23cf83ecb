"""The price table (catalog/prices.yaml and a project's own) and the arithmetic of each kind of cost line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from foundry_estate.catalog.estimate import HOURS_PER_MONTH, INSTANCES, PTU, TOKENS, Billed, Usage, estimate
from foundry_estate.catalog.meters import per_unit
from foundry_estate.catalog.prices import PRICES_FILE, Meter, Price, PriceTable, load_prices, prices_text, shipped_prices
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


def test_the_table_file_is_what_refresh_writes() -> None:
    with open(PRICES_FILE, encoding="utf-8") as handle:
        assert handle.read() == prices_text(load_prices(PRICES_FILE))


def test_meter_fields_are_kept() -> None:
    table = shipped_prices()
    assert any(p.meter == Meter("6dcdbfc4-1d28-5883-84c2-dcdb88e21b56", "Azure OpenAI", "Provisioned Managed Global",
                                "Provisioned Managed Global Unit", "1/Hour", 1.0) and p.region == "eastus2"
               and p.sku == "GlobalProvisionedManaged" for p in table.prices)
