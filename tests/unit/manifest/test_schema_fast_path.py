"""The schema's fast path (fastjsonschema) never calls valid what jsonschema refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from foundry_estate.errors import KitError
from foundry_estate.manifest import schema
from foundry_estate.manifest.loader import load
from support.examples import REPO

CORPUS = sorted((REPO / "tests" / "examples").glob("*/*.yaml")) + sorted((REPO / "stacks").glob("*.yaml"))


def documents():
    for path in CORPUS:
        try:
            yield pytest.param(load(str(path)), id=path.name)
        except KitError:
            continue  # not YAML, or refused by the loader: the schema never sees it


@pytest.mark.parametrize("document", list(documents()))
def test_fast_and_full_validation_agree(document) -> None:
    full = list(schema.validator().iter_errors(document.data))
    assert schema._fast_valid("manifest", document.data) == (not full) or not schema._plain_numbers(document)


def test_the_fast_path_serves_once_a_process_has_validated_enough(monkeypatch: pytest.MonkeyPatch) -> None:
    document = load(str(REPO / "stacks" / "prod.yaml"))
    monkeypatch.setattr(schema, "_validated", schema.FAST_AFTER_VALUES)
    calls = []
    monkeypatch.setattr(schema, "_fast_valid", lambda name, data: calls.append(name) or True)
    assert schema.schema_problems(document) == []
    assert calls == ["manifest"]


def test_a_float_goes_the_full_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """fastjsonschema takes 500.0 for an integer; the kit does not."""
    text = (REPO / "tests" / "examples" / "invalid" / "capacity-float-bypasses-quota.yaml").read_text()
    (tmp_path / "m.yaml").write_text(text)
    document = load(str(tmp_path / "m.yaml"))
    monkeypatch.setattr(schema, "_validated", schema.FAST_AFTER_VALUES)
    assert schema._fast_valid("manifest", document.data)  # the fast validator alone would pass it
    assert [p.message for p in schema.schema_problems(document)]
