"""The recorded resource graph as stable JSON, for golden files and later for `plan`."""

from __future__ import annotations

import json
import os
from typing import Any

from foundry_kit.preview.engine import Graph


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
    """Compare with the golden file; `UPDATE_GOLDEN=1 pytest` rewrites it instead."""
    text = dumps(document)
    if os.environ.get("UPDATE_GOLDEN") == "1" or not os.path.exists(path):
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    with open(path, encoding="utf-8") as handle:
        expected = handle.read()
    assert text == expected, f"graph differs from {path}; inspect, then UPDATE_GOLDEN=1 pytest to accept"
