"""A fake Azure Retail Prices API for `prices refresh`: HTTPS on 127.0.0.1 with the test's CA
(the plumbing of `FakeArm`), answering every query with `items` split into pages of `page_size`,
each page's `NextPageLink` pointing at the next (`{"BillingCurrency", "CustomerEntityId",
"CustomerEntityType", "Items", "NextPageLink", "Count"}`, as the API answers). A test may replace
one page's body (`pages_replaced[n]`: a wrong shape, a foreign NextPageLink). Requests are recorded."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import trustme

from support.fake_arm import FakeArm, Reply, Request

PATH = "/api/retail/prices"
SAMPLE = "tests/data/retail-prices/modelmeters-d4a6410.json"


def sample_items(repo: str) -> list[dict[str, Any]]:
    """The API's own items (tests/data/retail-prices/README.md says where each comes from)."""
    with open(f"{repo}/{SAMPLE}", encoding="utf-8") as handle:
        return [entry["item"] for entry in json.load(handle)["items"]]


class FakePrices(FakeArm):
    def __init__(self, ca: trustme.CA, items: list[dict[str, Any]], page_size: int = 5):
        super().__init__(ca, page_size=page_size)
        self.items = items
        self.pages_replaced: dict[int, Any] = {}

    @property
    def api(self) -> str:
        return self.endpoint + PATH

    def answer(self, request: Request) -> Reply:
        self.requests.append(request)
        if request.path != PATH:
            return Reply(404, {"Error": {"Code": "NotFound"}})
        page = int(request.query.get("page", ["0"])[0])
        start = page * self.page_size
        rest = self.items[start + self.page_size:]
        query = {key: values[0] for key, values in request.query.items()}
        body: Any = {"BillingCurrency": "USD", "CustomerEntityId": "Default", "CustomerEntityType": "Retail",
                     "Items": self.items[start:start + self.page_size],
                     "NextPageLink": f"{self.api}?{urlencode({**query, 'page': page + 1})}" if rest else None,
                     "Count": len(self.items[start:start + self.page_size])}
        return Reply(200, self.pages_replaced.get(page, body))
