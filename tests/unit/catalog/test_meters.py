"""The rules that match Retail Prices API items to the price table's entries, on items Azure's
API really answered (tests/data/retail-prices/README.md cites them)."""

from __future__ import annotations

from foundry_estate.catalog.meters import refresh, why_not
from foundry_estate.catalog.prices import shipped_prices
from support.examples import REPO
from support.fake_prices import sample_items

ITEMS = sample_items(str(REPO))


def test_the_sample_prices_every_entry_of_the_kit_table_as_the_table_says() -> None:
    """The shipped table is what the matching rules read from the cited sample (so its prices are not guessed)."""
    table = shipped_prices()
    result = refresh(table, ITEMS, table.retrieved)  # type: ignore[arg-type]
    assert (result.changed, result.missing, result.refused) == ((), (), ())


def test_a_reservation_of_the_same_meter_is_not_the_hourly_price() -> None:
    ptu = next(p for p in shipped_prices().prices if p.meter and p.meter.meter_id == "6dcdbfc4-1d28-5883-84c2-dcdb88e21b56")
    same_meter = [item for item in ITEMS if item["meterId"] == ptu.meter.meter_id and item["armRegionName"] == ptu.region]  # type: ignore[union-attr]
    assert sorted((item["type"], item.get("reservationTerm"), why_not(item, ptu)) for item in same_meter) == [
        ("Consumption", None, None),
        ("Reservation", "1 Month", "type 'Reservation' is not the pay-as-you-go list price"),
        ("Reservation", "1 Year", "type 'Reservation' is not the pay-as-you-go list price")]
    hourly = next(item for item in same_meter if item["type"] == "Consumption")
    other_type = {**hourly, "skuName": "Provisioned Managed Regional"}
    assert why_not(other_type, ptu) == "skuName 'Provisioned Managed Regional' does not bill GlobalProvisionedManaged"
    assert why_not({**other_type, "skuName": "Provisioned Managed Global", "unitOfMeasure": "1 Month"}, ptu) == \
        "unitOfMeasure '1 Month' with retailPrice 1.0 is not per 1 hour"
