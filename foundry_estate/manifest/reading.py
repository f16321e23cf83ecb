"""Reading the raw manifest document defensively: a value of the wrong shape reads as empty.

The cross-checks and the catalog checks run next to the schema on the same raw data; what
has the wrong shape is the schema's to report, so these readers skip it quietly.
"""

from __future__ import annotations

import difflib
from typing import Any, Iterator

from foundry_estate.manifest.document import Path


def as_map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def accounts_in(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for key, account in as_map(data.get("accounts")).items():
        if isinstance(account, dict):
            yield key, account


def deployments_in(data: dict[str, Any]) -> Iterator[tuple[Path, str, dict[str, Any], dict[str, Any]]]:
    for key, account in accounts_in(data):
        for name, deployment in as_map(account.get("deployments")).items():
            if isinstance(deployment, dict):
                yield ("accounts", key, "deployments", name), name, deployment, account


def did_you_mean(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
