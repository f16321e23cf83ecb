"""`foundry-estate prices refresh` against a fake Retail Prices API on 127.0.0.1 (HTTPS, the test's
CA), serving items Azure's API really answered (tests/data/retail-prices/README.md cites them):
several pages, a meter gone, a changed price, a wrong shape and a foreign NextPageLink."""

from __future__ import annotations

import copy
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from foundry_estate.catalog.prices import PRICES_FILE, load_prices
from foundry_estate.cli import main as cli
from foundry_estate.live import retail_prices
from support.examples import REPO
from support.fake_prices import FakePrices, sample_items

ITEMS = sample_items(str(REPO))


@pytest.fixture
def table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the kit's price table to refresh, with today pinned."""
    path = tmp_path / "prices.yaml"
    path.write_text(Path(PRICES_FILE).read_text())
    monkeypatch.setenv("FOUNDRY_KIT_TODAY", "2026-12-07")
    return path


@pytest.fixture
def api(test_ca, monkeypatch: pytest.MonkeyPatch):
    ca, bundle = test_ca
    fake = FakePrices(ca, copy.deepcopy(ITEMS))
    monkeypatch.setenv(retail_prices.ENDPOINT_VARIABLE, fake.api)
    monkeypatch.setenv(retail_prices.CA_VARIABLE, bundle)
    yield fake
    fake.close()


def test_refresh_follows_every_page_and_rewrites_the_table_whole_with_the_new_prices(api: FakePrices, table: Path, capsys) -> None:
    grok = next(item for item in api.items if item["meterId"] == "cc8356f6-922d-55f1-bc8d-349b3ca57b54")
    grok.update(retailPrice=0.006, effectiveStartDate="2026-11-01T00:00:00Z")
    api.items = [item for item in api.items if item["meterId"] != "22f6cedd-05aa-5b48-ac0f-0a9d29a68c3e"]  # Llama output gone
    assert cli.main(["prices", "refresh", str(table)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"{table}: 19 prices read again from {api.api} on 2026-12-07, 1 changed, 1 not in the answer (kept as they were)",
        "  changed: inputTokens xAI grok-4 GlobalStandard in eastus2: $5.5 per 1M tokens → $6 per 1M tokens (effective 2026-11-01)",
        "  not in the answer: outputTokens Meta Llama-3.3-70B-Instruct GlobalStandard in eastus2 "
        "(meter 22f6cedd-05aa-5b48-ac0f-0a9d29a68c3e)"]
    pages = [int(r.query.get("page", ["0"])[0]) for r in api.requests]
    assert pages == list(range(len(pages))) and len(pages) == 7  # 31 items, 5 a page, one query of 20 meter ids
    assert api.requests[0].query["api-version"] == ["2023-01-01-preview"]
    assert api.requests[0].query["$filter"][0].startswith("priceType eq 'Consumption' and (meterId eq '")
    assert all(r.authorization is None for r in api.requests)  # nothing to authenticate: no credential sent
    refreshed = load_prices(str(table))
    assert refreshed.retrieved and str(refreshed.retrieved) == "2026-12-07"
    price = next(p for p in refreshed.prices if p.meter and p.meter.meter_id == "cc8356f6-922d-55f1-bc8d-349b3ca57b54")
    assert (price.price, str(price.effective), str(price.retrieved), price.via, price.meter.retail_price) == \
        (6.0, "2026-11-01", "2026-12-07", None, 0.006)
    kept = next(p for p in refreshed.prices if p.meter and p.meter.meter_id == "22f6cedd-05aa-5b48-ac0f-0a9d29a68c3e")
    assert (kept.price, str(kept.retrieved)) == (0.71, "2025-08-25")
    assert [p.name for p in table.parent.iterdir()] == ["prices.yaml"]  # written whole: no temporary file left


@pytest.mark.parametrize("page, body, message", [
    (1, {"items": []}, "cannot read the Retail Prices API's prices: the answer to GET /api/retail/prices is not what the "
                       "kit reads: no `Items` list"),
    (2, {"Items": [], "NextPageLink": "https://prices.example.net/api/retail/prices?page=3"},
     "cannot read the Retail Prices API's prices: page 3 links to https://prices.example.net/api/retail/prices?page=3, "
     "elsewhere than {origin}; the kit reads {origin} only and sent nothing there"),
])
def test_a_wrong_shape_or_a_foreign_next_page_writes_nothing(api: FakePrices, table: Path, capsys, page, body, message) -> None:
    before = table.read_text()
    api.pages_replaced[page] = body
    assert cli.main(["prices", "refresh", str(table)]) == 1
    assert capsys.readouterr().err == f".:1:1: {message.format(origin=api.endpoint)}\n"
    assert table.read_text() == before
    assert not any(urlsplit(r.path).netloc for r in api.requests)  # only the fake was asked


def test_the_endpoint_is_https_only(table: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv(retail_prices.ENDPOINT_VARIABLE, "http://127.0.0.1:9/api/retail/prices")
    assert cli.main(["prices", "refresh", str(table)]) == 1
    assert capsys.readouterr().err == ("FOUNDRY_KIT_PRICES_ENDPOINT:1:1: http://127.0.0.1:9/api/retail/prices: the Retail "
                                       "Prices API is read over https:// only\n")
