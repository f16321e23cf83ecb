"""Manifest rewrites for tests: the same manifest in another order, under other keys."""

from __future__ import annotations

import random
from typing import Any


def shuffled(value: Any, rng: random.Random, rename_accounts: bool = False) -> Any:
    """The same manifest with every mapping and every order-free list shuffled."""
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        result = {key: shuffled(item, rng) for key, item in items}
        if rename_accounts:
            result["accounts"] = {f"renamed-{key}": account for key, account in result["accounts"].items()}
        return result
    if isinstance(value, list):
        items = [shuffled(item, rng) for item in value]
        rng.shuffle(items)
        return items
    return value
