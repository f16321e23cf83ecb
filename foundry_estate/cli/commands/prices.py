"""`foundry-estate prices refresh [FILE]`: read every meter the price table cites again from
Azure's public Retail Prices API and rewrite the table whole, dated today."""

from __future__ import annotations

import argparse
import os
import sys

from foundry_estate.project.project import pinned_today
from foundry_estate.catalog.estimate import rate
from foundry_estate.catalog.meters import Refreshed, refresh
from foundry_estate.catalog.prices import PRICES_FILE, PROJECT_PRICES, Price, load_prices, prices_text
from foundry_estate.cli.live_options import add_timeout
from foundry_estate.live.reads import Deadline
from foundry_estate.live.retail_prices import ENDPOINT_VARIABLE, RetailPrices, endpoint
from foundry_estate.files import write_file
from foundry_estate.project.stacks import display, find_root
from foundry_estate.words import plural

METERS_PER_QUERY = 20  # meter ids in one $filter: short URLs, few pages


def add_parser(verbs: argparse._SubParsersAction) -> None:
    parser = verbs.add_parser("prices", help="the price table cost estimates use",
                              description="The list prices `foundry-estate cost` estimates with (catalog/prices.yaml).")
    actions = parser.add_subparsers(dest="action", metavar="refresh", required=True)
    action = actions.add_parser("refresh", help="read the table's meters again from Azure's Retail Prices API",
                                description="Read every meter the price table cites (meterId, region) again from Azure's "
                                            "public, unauthenticated Retail Prices API and rewrite the table whole with "
                                            "the prices and dates it answers and today's date. An entry whose meter the "
                                            "answer lacks is kept as it was, and said. The endpoint is "
                                            f"${ENDPOINT_VARIABLE}, else https://prices.azure.com/api/retail/prices.")
    action.add_argument("file", nargs="?", metavar="FILE",
                        help=f"the table to refresh (default: the project's {PROJECT_PRICES}, else the kit's own)")
    add_timeout(action)
    action.set_defaults(run=run_refresh)


def run_refresh(args: argparse.Namespace) -> int:
    path = args.file or _default_table()
    table = load_prices(path)
    base = endpoint()
    api = RetailPrices(base, Deadline(args.timeout))
    meters = sorted({price.meter.meter_id for price in table.prices if price.meter is not None})
    items = [item for start in range(0, len(meters), METERS_PER_QUERY)
             for item in api.items(_filter(meters[start:start + METERS_PER_QUERY]))]
    result = refresh(table, items, pinned_today())
    write_file(path, prices_text(result.table))
    _report(display(path), base, result)
    return 0


def _default_table() -> str:
    root = find_root()
    own = os.path.join(root, PROJECT_PRICES) if root else ""
    return own if own and os.path.isfile(own) else PRICES_FILE


def _filter(meter_ids: list[str]) -> str:
    """Pay-as-you-go items of these meters (the OData $filter the API documents)."""
    meters = " or ".join(f"meterId eq '{meter}'" for meter in meter_ids)
    return f"priceType eq 'Consumption' and ({meters})"


def _report(path: str, base: str, result: Refreshed) -> None:
    read = sum(1 for price in result.table.prices if price.meter is not None) - len(result.missing)
    print(f"{path}: {plural(read, 'price')} read again from {base} on {result.table.retrieved}, "
          f"{len(result.changed)} changed, {len(result.missing)} not in the answer (kept as they were)")
    for before, after in result.changed:
        print(f"  changed: {_what(after)}: {rate_text(before)} → {rate_text(after)} (effective {after.effective})")
    for price in result.missing:
        assert price.meter is not None
        print(f"  not in the answer: {_what(price)} (meter {price.meter.meter_id})")
    for reason in result.refused:
        print(f"  refused: {reason}", file=sys.stderr)


def _what(price: Price) -> str:
    subject = price.instance_type or " ".join(filter(None, (price.format, price.model, price.sku)))
    return f"{price.kind} {subject} in {price.region}"


def rate_text(price: Price) -> str:
    from decimal import Decimal

    return f"{rate(Decimal(str(price.price)))} per {price.unit}"
