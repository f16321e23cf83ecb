"""Azure's public Retail Prices API (`https://prices.azure.com/api/retail/prices`): the items
of one query, every page, through the live layer's reader (`reads.JsonApi`).

The API is unauthenticated (no credential is made or sent). An answer is `{"Items": [...],
"NextPageLink": url | null, ...}` with up to 100 items a page (Microsoft Learn, "Azure Retail
Prices overview"). `JsonApi` holds the live layer's rules: https only, paging on the endpoint's
own origin only, one deadline for the command, bounded pages, retries on 429 and 5xx, each page's
shape checked; every failure a one-line `KitError`.

- Where: `FOUNDRY_KIT_PRICES_ENDPOINT` (tests point it at a fake on 127.0.0.1), else Azure's.
- TLS: the system's trust store, or the bundle `REQUESTS_CA_BUNDLE` names (as the live client).
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

from foundry_estate.errors import KitError, Problem
from foundry_estate.live.reads import Deadline, JsonApi

PUBLIC_ENDPOINT = "https://prices.azure.com/api/retail/prices"
ENDPOINT_VARIABLE = "FOUNDRY_KIT_PRICES_ENDPOINT"
CA_VARIABLE = "REQUESTS_CA_BUNDLE"
API_VERSION = "2023-01-01-preview"


def endpoint() -> str:
    url = (os.environ.get(ENDPOINT_VARIABLE) or PUBLIC_ENDPOINT).strip()
    if not url.startswith("https://"):
        raise KitError([Problem.at(ENDPOINT_VARIABLE, f"{url}: the Retail Prices API is read over https:// only")])
    return url


class RetailPrices:
    """Reads of the Retail Prices API at `url` (its full path), under `deadline`."""

    def __init__(self, url: str, deadline: Deadline):
        parts = urlsplit(url)
        self.url, self.path = url, parts.path
        self.api = JsonApi(f"{parts.scheme}://{parts.netloc}", deadline, ca_bundle=os.environ.get(CA_VARIABLE) or None)

    def items(self, odata_filter: str) -> list[dict[str, Any]]:
        """Every item the API answers `odata_filter` with, all pages followed."""
        return self.api.pages(self.path, {"api-version": API_VERSION, "$filter": odata_filter},
                              "the Retail Prices API's prices", items="Items", next_link="NextPageLink")
