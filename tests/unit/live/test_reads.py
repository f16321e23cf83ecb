"""The live layer's reading rules (foundry_estate/live/reads.py) that need no server: what counts as
the same origin, the deadline, and the shape checks' words."""

from __future__ import annotations

import time

import pytest

from foundry_estate.errors import KitError
from foundry_estate.live import reads


@pytest.mark.parametrize("url, same", [
    ("https://management.azure.com/subscriptions?x=1", True),
    ("https://MANAGEMENT.azure.com:443/subscriptions", True),  # the Retail Prices API spells its port out
    ("HTTPS://management.azure.com", True),
    ("http://management.azure.com/subscriptions", False),
    ("https://management.azure.com:8443/subscriptions", False),
    ("https://management.azure.com.evil.test/subscriptions", False),
    ("https://management.azure.com@evil.test/subscriptions", False),
    ("https://user@management.azure.com/subscriptions", False),
    ("https://management.azure.com:notaport/", False),
    ("/subscriptions", False),
])
def test_the_same_origin_is_scheme_host_and_port(url: str, same: bool) -> None:
    assert (reads.origin(url) == ("https", "management.azure.com", 443)) is same


def test_a_deadline_counts_down_from_its_start() -> None:
    deadline = reads.Deadline(0.2)
    assert 0 < deadline.remaining() <= 0.2 and not deadline.passed
    time.sleep(0.25)
    assert deadline.passed and deadline.remaining() < 0


def test_an_api_is_read_over_https_only() -> None:
    pytest.importorskip("azure.core")
    with pytest.raises(KitError, match=r"http://prices\.azure\.com: the kit reads Azure over https:// only"):
        reads.JsonApi("http://prices.azure.com", reads.Deadline())


@pytest.mark.parametrize("value, words", [(None, "null"), (True, "a boolean"), (3, "a number"), ("x", "a string"),
                                          ([], "a list"), ({}, "an object")])
def test_kinds_of_json_values_in_words(value, words) -> None:
    assert reads.kind_of(value) == words
