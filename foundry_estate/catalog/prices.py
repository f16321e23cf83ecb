"""The price table (`catalog/prices.yaml`): list prices, each with where it comes from.

One entry per price: what it prices (the PTU-hour of a deployment type, a million input or
output tokens of a model in a deployment type, the hour of a VM size), the region it holds in,
currency, unit, the day it took effect and its source (a meter of the Azure Retail Prices API,
or a public pricing page). A price missing here is unknown, never guessed: `cost` says so.

Like the model catalog, it is read by the loader only (a broken table is reported at its file
and line), and a project may keep its own `catalog/prices.yaml` (same format): its entries are
added to the kit's and replace the kit's entry for the same thing (its negotiated or newer
prices). `prices refresh` rewrites the kit's table from the API (`prices_text` writes it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Iterator, Mapping

from foundry_estate.errors import Problem
from foundry_estate.manifest.data_file import load_data_file
from foundry_estate.manifest.document import Document
from foundry_estate.manifest.writer import dump
from foundry_estate.paths import project_own_file
from foundry_estate.shipped import CATALOG, shipped_file

PRICES_FILE = shipped_file(CATALOG, "prices.yaml")
PROJECT_PRICES = os.path.join("catalog", "prices.yaml")  # a project's own entries, relative to its root
PTU_HOUR, INPUT_TOKENS, OUTPUT_TOKENS, INSTANCE_HOUR = "ptuHour", "inputTokens", "outputTokens", "instanceHour"
HOUR, MILLION_TOKENS = "1 hour", "1M tokens"
UNITS = {PTU_HOUR: HOUR, INSTANCE_HOUR: HOUR, INPUT_TOKENS: MILLION_TOKENS, OUTPUT_TOKENS: MILLION_TOKENS}
# What each kind of entry is identified by, besides its region (the schema cannot say it per kind)
KEYS = {PTU_HOUR: ("format", "sku"), INPUT_TOKENS: ("format", "model", "sku"), OUTPUT_TOKENS: ("format", "model", "sku"),
        INSTANCE_HOUR: ("instanceType",)}
_FIELDS = ("format", "model", "sku", "instanceType")


@dataclass(frozen=True)
class Meter:
    """The Retail Prices API item a price was read from, in Azure's words."""
    meter_id: str
    product: str
    sku_name: str
    meter_name: str
    unit_of_measure: str
    retail_price: float


@dataclass(frozen=True)
class Price:
    kind: str  # ptuHour | inputTokens | outputTokens | instanceHour
    region: str
    price: float  # in `currency` per `unit`
    currency: str
    unit: str
    effective: date
    format: str | None = None
    model: str | None = None
    sku: str | None = None
    instance_type: str | None = None
    meter: Meter | None = None
    retrieved: date | None = None  # the day the meter was read (or the page checked)
    via: str | None = None  # a public capture of the API's answer the meter was read from
    page: str | None = None  # a public pricing page, when no meter is cited
    origin: str = ""  # file:line of a project's own entry; "" for the kit's

    @property
    def key(self) -> tuple[str | None, ...]:
        return (self.kind, self.region, self.format, self.model, self.sku, self.instance_type)

    @property
    def source(self) -> str:
        """Where the price comes from, in one line a reviewer can follow."""
        if self.meter is not None:
            m = self.meter
            text = (f"Azure Retail Prices API meter {m.meter_id} ({m.product} / {m.meter_name}: {m.retail_price:g} "
                    f"{self.currency} per {m.unit_of_measure}, effective {self.effective}, read {self.retrieved})")
        else:
            text = f"{self.page} (checked {self.retrieved})"
        return f"{text}, this project's price at {self.origin}" if self.origin else text


@dataclass(frozen=True)
class PriceTable:
    file: str
    prices: tuple[Price, ...]
    retrieved: date | None = None

    def ptu_hour(self, region: str, sku: str, model_format: str, model: str) -> Price | None:
        """The PTU-hour of `sku` in `region`: the model's own price, else its format's."""
        found = [p for p in self.prices if p.kind == PTU_HOUR and p.region == region and p.sku == sku
                 and p.format == model_format and p.model in (model, None)]
        return min(found, key=lambda p: p.model is None, default=None)

    def tokens(self, kind: str, region: str, sku: str, model_format: str, model: str) -> Price | None:
        return next((p for p in self.prices if p.kind == kind and p.region == region and p.sku == sku
                     and p.format == model_format and p.model == model), None)

    def instance_hour(self, region: str, instance_type: str) -> Price | None:
        return next((p for p in self.prices if p.kind == INSTANCE_HOUR and p.region == region
                     and (p.instance_type or "").lower() == instance_type.lower()), None)


def load_prices(path: str = PRICES_FILE) -> PriceTable:
    """Read and check the table at `path`; raises `KitError` with every problem."""
    document = load_data_file(path, "prices", _entry_problems)
    retrieved = document.data.get("retrieved")
    return PriceTable(path, tuple(_price(entry) for entry in document.data["prices"]),
                      date.fromisoformat(retrieved) if retrieved else None)


@lru_cache(maxsize=None)
def shipped_prices() -> PriceTable:
    """The table that ships with the kit, read once."""
    return load_prices(PRICES_FILE)


def project_prices(root: str | None, base: PriceTable | None = None) -> PriceTable:
    """The kit's prices with a project's own: `catalog/prices.yaml` in the project root adds
    entries and replaces the kit's entry for the same thing. Each such entry remembers its line."""
    path = project_own_file(root, PROJECT_PRICES, PRICES_FILE)
    shipped = base or shipped_prices()
    return shipped if path is None else _with_project_entries(shipped, path, os.path.getmtime(path))


@lru_cache(maxsize=8)
def _with_project_entries(shipped: PriceTable, path: str, _modified: float) -> PriceTable:
    document = load_data_file(path, "prices", _entry_problems)
    own = tuple(_price(entry, str(document.position(("prices", index)))) for index, entry in enumerate(document.data["prices"]))
    replaced = {price.key for price in own}
    return PriceTable(path, own + tuple(p for p in shipped.prices if p.key not in replaced), shipped.retrieved)


def _entry_problems(document: Document) -> Iterator[Problem]:
    """What the schema cannot say: the fields each kind needs, its unit, each price once, dates that exist."""
    seen: dict[tuple[Any, ...], int] = {}
    for index, entry in enumerate(document.data["prices"]):
        path = ("prices", index)
        kind = entry["kind"]
        wanted = KEYS[kind]
        for field in _FIELDS:
            if field in wanted and field not in entry and not (kind == PTU_HOUR and field == "model"):
                yield document.problem(path, f"{_a(kind)} price names its {field}", prefer_key=True)
            elif field not in wanted and field in entry and not (kind == PTU_HOUR and field == "model"):
                yield document.problem(path + (field,), f"{_a(kind)} price has no {field} (it is identified by "
                                                        f"{', '.join(wanted)} and region)", prefer_key=True)
        if entry["unit"] != UNITS[kind]:
            yield document.problem(path + ("unit",), f"{_a(kind)} price is per {UNITS[kind]}, not per {entry['unit']}")
        key = (kind, entry["region"], *(entry.get(field) for field in _FIELDS))
        if key in seen:
            yield document.problem(path, f"this price is already listed at line {document.position(('prices', seen[key])).line}",
                                   prefer_key=True)
        seen.setdefault(key, index)
        source = entry["source"]
        for where, value in ((path + ("effective",), entry["effective"]),
                             (path + ("source", "retrieved" if "meter" in source else "checked"),
                              source.get("retrieved", source.get("checked")))):
            try:
                date.fromisoformat(value)
            except ValueError:
                yield document.problem(where, f"'{value}' is not a date that exists")


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _price(entry: Mapping[str, Any], origin: str = "") -> Price:
    source = entry["source"]
    meter = source.get("meter")
    return Price(
        kind=entry["kind"], region=entry["region"], price=float(entry["price"]), currency=entry["currency"],
        unit=entry["unit"], effective=date.fromisoformat(entry["effective"]),
        format=entry.get("format"), model=entry.get("model"), sku=entry.get("sku"), instance_type=entry.get("instanceType"),
        meter=Meter(meter["meterId"], meter["productName"], meter["skuName"], meter["meterName"], meter["unitOfMeasure"],
                    float(meter["retailPrice"])) if meter else None,
        retrieved=date.fromisoformat(source.get("retrieved") or source["checked"]),
        via=source.get("via"), page=source.get("page"), origin=origin)


HEADER = """\
# yaml-language-server: $schema=../schemas/prices.schema.json
#
# List prices `foundry-estate cost` estimates with (and `plan`, `diff` and the max-monthly-cost
# guardrail through it). One entry per price: what it prices (kind, and format/model/sku or
# instanceType), the region it holds in, the price in USD per unit, the day it took effect, and its
# source: the Azure Retail Prices API meter it was read from (meterId, Azure's own names, retailPrice
# per unitOfMeasure as the API gave it; `via` a public capture of the API's answer), or a pricing page.
# A price missing here is unknown: `cost` lists it as unknown and leaves it out of the total.
#
# Written by `foundry-estate prices refresh`, which reads every cited meter again from the API and
# rewrites this file whole: edit entries, not comments. A project adds or overrides prices in its own
# catalog/prices.yaml (same format).
"""


def prices_text(table: PriceTable) -> str:
    """The table as `prices refresh` writes it (the kit's own entries)."""
    data: dict[str, Any] = {"version": 1}
    if table.retrieved:
        data["retrieved"] = table.retrieved.isoformat()
    data["prices"] = [_entry(p) for p in sorted(table.prices, key=_order)]
    return HEADER + dump(data)


def _order(price: Price) -> tuple[str, ...]:
    return (price.kind, price.format or "", price.model or "", price.sku or "", price.instance_type or "", price.region)


def _entry(price: Price) -> dict[str, Any]:
    entry: dict[str, Any] = {"kind": price.kind}
    for field, value in (("format", price.format), ("model", price.model), ("sku", price.sku),
                         ("instanceType", price.instance_type)):
        if value is not None:
            entry[field] = value
    entry.update(region=price.region, price=price.price, currency=price.currency, unit=price.unit,
                 effective=price.effective.isoformat())
    assert price.retrieved is not None
    if price.meter is not None:
        m = price.meter
        source: dict[str, Any] = {"meter": {"meterId": m.meter_id, "productName": m.product, "skuName": m.sku_name,
                                            "meterName": m.meter_name, "unitOfMeasure": m.unit_of_measure,
                                            "retailPrice": m.retail_price},
                                  "retrieved": price.retrieved.isoformat()}
        if price.via:
            source["via"] = price.via
    else:
        source = {"page": price.page, "checked": price.retrieved.isoformat()}
    entry["source"] = source
    return entry
