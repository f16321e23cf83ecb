"""The recorded resource graph as stable JSON, for golden files and later for `plan`."""

from __future__ import annotations

import json
import os
from typing import Any

from foundry_estate.preview.engine import Graph


def graph_document(graph: Graph) -> dict[str, Any]:
    """Sorted by URN, no ids, memory addresses or timestamps: equal graphs give equal JSON."""
    return {
        "resources": [
            {
                "urn": r.urn,
                "type": r.type,
                "name": r.name,
                "parent": r.parent,
                "protect": r.protect,
                "deletedWith": r.deleted_with,
                "replaceWith": r.replace_with,
                "dependencies": r.dependencies,
                "inputs": r.inputs,
            }
            for r in sorted(graph.resources, key=lambda r: r.urn)
        ],
        "outputs": graph.outputs,
    }


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def assert_matches_golden(document: dict[str, Any], path: str) -> None:
    """Compare the document's stable JSON with the golden file at path."""
    assert_text_matches_golden(dumps(document), path)


def assert_text_matches_golden(text: str, path: str) -> None:
    """Compare with the golden file. A missing golden file fails (a fresh clone must not write
    its own expectations); `UPDATE_GOLDEN=1 pytest ...` writes or rewrites it, for review."""
    if os.environ.get("UPDATE_GOLDEN") == "1":
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    if not os.path.exists(path):
        raise AssertionError(
            f"golden file {path} is missing; write it with `UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q "
            f"{_current_test()}`, inspect it, and commit it"
        )
    with open(path, encoding="utf-8") as handle:
        expected = handle.read()
    assert text == expected, f"output differs from {path}; inspect, then UPDATE_GOLDEN=1 pytest to accept"


def _current_test() -> str:
    """The node id of the running test (pytest sets it), or the tests folder."""
    current = os.environ.get("PYTEST_CURRENT_TEST", "")
    return current.rsplit(" ", 1)[0] if current else "tests"
