"""Blocklist items are unique (they are named by their content) and regexes compile."""

from __future__ import annotations

import re
import warnings
from typing import Iterator

from foundry_estate.errors import Problem
from foundry_estate.manifest.document import Document
from foundry_estate.manifest.reading import as_list, as_map, as_str


def check_blocklists(doc: Document) -> Iterator[Problem]:
    """Items are unique (they are named by their content) and regexes compile."""
    for name, blocklist in as_map(doc.data.get("blocklists")).items():
        seen: dict[tuple[str, bool], int] = {}
        for index, item in enumerate(as_list(as_map(blocklist).get("items"))):
            pattern, regex = (item, False) if isinstance(item, str) else (as_str(as_map(item).get("pattern")), as_map(item).get("regex", False))
            if pattern is None or not isinstance(regex, bool):
                continue
            path = ("blocklists", name, "items", index)
            if (pattern, regex) in seen:
                yield doc.problem(path, f"duplicate item {pattern!r} (already at line {doc.position(path[:-1] + (seen[pattern, regex],)).line})")
            seen.setdefault((pattern, regex), index)
            if regex:
                reason = _regex_error(pattern)
                if reason:
                    yield doc.problem(path, f"invalid regular expression {pattern!r}: {reason}")


def _regex_error(pattern: str) -> str | None:
    """Why `pattern` does not compile (Python's dialect, close to .NET's for common syntax), or None."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # FutureWarnings about possible future syntax are not errors
        try:
            re.compile(pattern)
        except re.error as error:
            return str(error)
        except (OverflowError, RecursionError, ValueError):
            return "too large or too deeply nested"
    return None
