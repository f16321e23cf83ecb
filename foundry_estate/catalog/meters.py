"""Which Azure Retail Prices API items price which entries of the price table, and the table
those items make (`foundry-estate prices refresh`). Pure: items in, table out.

The API's meter and SKU names for tokens vary by model and deployment type ("Grok-4 Inp glbl",
"GPT 5 Rsng Inpt Glbl", "R1 Outp glbl", "Phi-4-Input"), so no naming pattern is assumed for
them: each entry of the table cites the meter it was read from (its meterId), chosen by a
person, and a refresh reads that meter again. The rules an item must meet to price an entry,
each seen in real answers (tests/data/retail-prices/ cites them):

- the same meterId in the same region (`armRegionName`): a meter id names one region's meter;
- `type` Consumption with `tierMinimumUnits` 0: the pay-as-you-go list price. Reservations
  (`type` Reservation, a `reservationTerm`) share the meter id of the hourly PTU meter and are
  priced per term, not per hour;
- a unit the kit can convert (`unitOfMeasure` "1/Hour" or "1 Hour" for hours; "1K" or "1M" for
  tokens);
- for a PTU-hour, a provisioned SKU name that says the entry's deployment type ("Provisioned
  Managed Global", "... Data Zone", "... Regional"), so a meter id reused for another type is refused.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Iterable, Mapping

from foundry_estate.catalog.prices import HOUR, PTU_HOUR, Meter, Price, PriceTable

# unitOfMeasure -> how many of it make the table's unit
HOUR_UNITS = {"1/Hour": 1, "1 Hour": 1}
TOKEN_UNITS = {"1K": 1000, "1M": 1, "1K Tokens": 1000, "1M Tokens": 1}
PTU_SKUS = {"Provisioned Managed Global": "GlobalProvisionedManaged",
            "Provisioned Managed Data Zone": "DataZoneProvisionedManaged",
            "Provisioned Managed Regional": "ProvisionedManaged"}


@dataclass(frozen=True)
class Refreshed:
    table: PriceTable
    changed: tuple[tuple[Price, Price], ...]  # (before, after) where the price or its date moved
    missing: tuple[Price, ...]  # entries whose meter the answer did not hold: kept as they were
    refused: tuple[str, ...]  # items that carried an entry's meter id but cannot price it, and why


def deployment_type(sku_name: str) -> str | None:
    """The deployment type a PTU meter's skuName bills, or None."""
    return PTU_SKUS.get(sku_name.strip())


def per_unit(item: Mapping[str, Any], price: Price) -> Decimal | None:
    """The item's retail price per the entry's unit, or None when its unit is not one the kit converts."""
    factors = HOUR_UNITS if price.unit == HOUR else TOKEN_UNITS
    factor = factors.get(str(item.get("unitOfMeasure", "")).strip())
    value = item.get("retailPrice")
    if factor is None or isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        return None
    return Decimal(str(value)) * factor


def why_not(item: Mapping[str, Any], price: Price) -> str | None:
    """Why an item with the entry's meter id cannot price it (None: it can)."""
    if item.get("type") != "Consumption":
        return f"type {item.get('type')!r} is not the pay-as-you-go list price"
    if item.get("tierMinimumUnits", 0) not in (0, 0.0):
        return f"a volume tier from {item.get('tierMinimumUnits')} units"
    if price.kind == PTU_HOUR and deployment_type(str(item.get("skuName", ""))) != price.sku:
        return f"skuName {item.get('skuName')!r} does not bill {price.sku}"
    if per_unit(item, price) is None:
        return f"unitOfMeasure {item.get('unitOfMeasure')!r} with retailPrice {item.get('retailPrice')!r} is not per {price.unit}"
    return None


def refresh(table: PriceTable, items: Iterable[Mapping[str, Any]], day: date) -> Refreshed:
    """The table with every cited meter read again from `items` (the API's answer), dated `day`."""
    by_meter: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for item in items:
        by_meter.setdefault((str(item.get("meterId", "")).lower(), str(item.get("armRegionName", ""))), []).append(item)
    prices, changed, missing, refused = [], [], [], []
    for price in table.prices:
        if price.meter is None:
            prices.append(price)
            continue
        candidates = by_meter.get((price.meter.meter_id.lower(), price.region), [])
        usable = [item for item in candidates if why_not(item, price) is None]
        refused += [f"meter {price.meter.meter_id} in {price.region}: {why_not(item, price)}"
                    for item in candidates if why_not(item, price) is not None and item.get("type") == "Consumption"]
        if not usable:
            prices.append(price)
            missing.append(price)
            continue
        item = max(usable, key=lambda i: str(i.get("effectiveStartDate", "")))
        value = per_unit(item, price)
        assert value is not None
        new = dataclasses.replace(
            price, price=float(value), effective=_day(item.get("effectiveStartDate"), price.effective), retrieved=day, via=None,
            meter=Meter(price.meter.meter_id, str(item.get("productName", price.meter.product)),
                        str(item.get("skuName", price.meter.sku_name)), str(item.get("meterName", price.meter.meter_name)),
                        str(item["unitOfMeasure"]), float(item["retailPrice"])))
        prices.append(new)
        if (new.price, new.effective) != (price.price, price.effective):
            changed.append((price, new))
    return Refreshed(PriceTable(table.file, tuple(prices), day), tuple(changed), tuple(missing), tuple(refused))


def _day(value: Any, default: date) -> date:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return default
