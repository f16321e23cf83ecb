"""Azure's public Retail Prices API (`https://prices.azure.com/api/retail/prices`): the items
of one query, every page, under the live layer's rules.

The API is unauthenticated (no credential is ever sent) and read over HTTPS only. An answer is
`{"Items": [...], "NextPageLink": url | null, ...}` with up to 100 items a page (Microsoft Learn,
"Azure Retail Prices overview"); paging follows `NextPageLink` only to the endpoint's own scheme,
host and port (an answer cannot send the reader elsewhere), at most `MAX_PAGES` pages, within one
deadline for the whole read. 429 and 5xx are retried `RETRIES` times, waiting what `Retry-After`
says (capped, and never past the deadline). Every failure is a `KitError` in the user's terms.

- Where: `FOUNDRY_KIT_PRICES_ENDPOINT` (tests point it at a fake on 127.0.0.1), else Azure's.
- TLS: the system's trust store, or the bundle `REQUESTS_CA_BUNDLE` names (as the live client).
"""

from __future__ import annotations

import json
import os
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Callable

from foundry_estate.errors import KitError, Problem

PUBLIC_ENDPOINT = "https://prices.azure.com/api/retail/prices"
ENDPOINT_VARIABLE = "FOUNDRY_KIT_PRICES_ENDPOINT"
CA_VARIABLE = "REQUESTS_CA_BUNDLE"
API_VERSION = "2023-01-01-preview"
DEADLINE = 300.0  # seconds for a whole read
TIMEOUT = 60.0  # seconds for one response
MAX_PAGES = 1000
RETRIES = 3
RETRY_AFTER_MAX = 30.0


def endpoint() -> str:
    url = (os.environ.get(ENDPOINT_VARIABLE) or PUBLIC_ENDPOINT).strip()
    if not url.startswith("https://"):
        raise KitError([Problem.at(ENDPOINT_VARIABLE, f"{url}: the Retail Prices API is read over https:// only")])
    return url


def query_url(base: str, odata_filter: str) -> str:
    return f"{base}?{urllib.parse.urlencode({'api-version': API_VERSION, '$filter': odata_filter})}"


def read_items(odata_filter: str, base: str | None = None, deadline: float = DEADLINE,
               clock: Callable[[], float] = time.monotonic) -> list[dict[str, Any]]:
    """Every item the API answers `odata_filter` with, all pages followed."""
    base = base or endpoint()
    origin = _origin(base)
    ends = clock() + deadline
    context = ssl.create_default_context(cafile=os.environ.get(CA_VARIABLE) or None)
    url: str | None = query_url(base, odata_filter)
    items: list[dict[str, Any]] = []
    for page in range(MAX_PAGES):
        if url is None:
            return items
        body = _page(url, ends, clock, context)
        if not isinstance(body, dict) or not isinstance(body.get("Items"), list) \
                or not all(isinstance(item, dict) for item in body["Items"]) \
                or not isinstance(body.get("NextPageLink", None), (str, type(None))):
            raise KitError([Problem.at(".", f"page {page + 1} of the answer of the Retail Prices API at {origin} is not "
                                             "{\"Items\": [objects], \"NextPageLink\": url or null}: nothing was written")])
        items += body["Items"]
        url = body.get("NextPageLink") or None
        if url is not None and _origin(url) != origin:
            raise KitError([Problem.at(".", f"the Retail Prices API at {origin}: its answer's NextPageLink leads to {_origin(url)}, not to the API's own "
                                             f"{origin}: not followed, nothing was written")])
    raise KitError([Problem.at(".", f"the Retail Prices API at {origin}: the answer has more than {MAX_PAGES} pages: narrow the query")])


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _page(url: str, ends: float, clock: Callable[[], float], context: ssl.SSLContext) -> Any:
    base = _origin(url)
    for attempt in range(RETRIES + 1):
        left = ends - clock()
        if left <= 0:
            raise KitError([Problem.at(".", f"the Retail Prices API at {base} did not answer within {DEADLINE:g} seconds: "
                                             "try again later; nothing was written")])
        request = urllib.request.Request(url, headers={"Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=min(TIMEOUT, left), context=context) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            if error.code in (429, 500, 502, 503, 504) and attempt < RETRIES:
                time.sleep(max(0.0, min(_retry_after(error.headers.get("Retry-After")), ends - clock())))
                continue
            raise KitError([Problem.at(".", f"the Retail Prices API at {base} answered {error.code} ({error.reason}); "
                                             "try again later; nothing was written")]) from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise KitError([Problem.at(".", f"cannot reach the Retail Prices API at {base} ({reason}): check "
                                             f"{ENDPOINT_VARIABLE} and the network; nothing was written")]) from None
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise KitError([Problem.at(".", f"the Retail Prices API at {base} answered with something that is not JSON; "
                                             "nothing was written")]) from None
    raise AssertionError("unreachable")


def _retry_after(value: str | None) -> float:
    try:
        return min(float(value or 1), RETRY_AFTER_MAX)
    except ValueError:
        return 1.0
