"""A pure reordering or renaming of manifest keys changes nothing sent to Azure."""

import random

import yaml

from foundry_estate.manifest.loader import load
from support.golden import graph_document
from foundry_estate.preview.engine import run_program
from support.manifests import shuffled


def test_reordered_and_renamed_manifest_registers_the_same_graph(tmp_path) -> None:
    data = load("stacks/prod.yaml").data
    reordered = tmp_path / "prod-reordered.yaml"
    reordered.write_text(yaml.safe_dump(shuffled(data, random.Random(7), rename_accounts=True), sort_keys=False))

    original = graph_document(run_program("prod"))
    rewritten = graph_document(run_program("prod", {"foundry-kit:manifest": str(reordered)}))

    assert [r["urn"] for r in rewritten["resources"]] == [r["urn"] for r in original["resources"]]
    assert rewritten == original
