"""A pure reordering or renaming of manifest keys changes nothing sent to Azure."""

import random

import yaml

from foundry_kit.loader import load
from testing.golden import graph_document
from foundry_kit.engine import run_program


def _shuffled(value, rng: random.Random, rename_accounts: bool = False):
    """The same manifest with every mapping and every order-free list shuffled."""
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        result = {}
        for key, item in items:
            result[key] = _shuffled(item, rng)
        if rename_accounts:
            result["accounts"] = {f"renamed-{key}": account for key, account in result["accounts"].items()}
        return result
    if isinstance(value, list):
        items = [_shuffled(item, rng) for item in value]
        rng.shuffle(items)
        return items
    return value


def test_reordered_and_renamed_manifest_registers_the_same_graph(tmp_path) -> None:
    data = load("stacks/prod.yaml").data
    reordered = tmp_path / "prod-reordered.yaml"
    reordered.write_text(yaml.safe_dump(_shuffled(data, random.Random(7), rename_accounts=True), sort_keys=False))

    original = graph_document(run_program("prod"))
    shuffled = graph_document(run_program("prod", {"foundry-kit:manifest": str(reordered)}))

    assert [r["urn"] for r in shuffled["resources"]] == [r["urn"] for r in original["resources"]]
    assert shuffled == original
