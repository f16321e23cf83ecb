"""The schema's fast path (fastjsonschema) never calls valid what jsonschema refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from foundry_estate.errors import KitError
from foundry_estate.manifest import fast_schemas, schema
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
    assert schema._fast_valid("manifest", document.data) == (not full)


def test_a_valid_manifest_is_answered_without_jsonschema(monkeypatch: pytest.MonkeyPatch) -> None:
    document = load(str(REPO / "stacks" / "prod.yaml"))
    monkeypatch.setattr(schema, "validator", lambda name="manifest": pytest.fail("jsonschema was asked"))
    assert schema.schema_problems(document) == []


def test_a_float_is_no_integer_on_the_fast_path(tmp_path: Path) -> None:
    """JSON Schema (and fastjsonschema as it ships) takes 500.0 for an integer; the kit does not."""
    text = (REPO / "tests" / "examples" / "invalid" / "capacity-float-bypasses-quota.yaml").read_text()
    (tmp_path / "m.yaml").write_text(text)
    document = load(str(tmp_path / "m.yaml"))
    assert not schema._fast_valid("manifest", document.data)
    assert [p.message for p in schema.schema_problems(document)]
    assert fast_schemas.is_valid("test", '{"type": "number"}', 2.5)  # numbers stay numbers


def test_the_compiled_validator_is_kept_in_the_cache_and_read_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    text = '{"type": "object", "required": ["a"]}'
    fast_schemas._validate_function.cache_clear()
    assert fast_schemas.is_valid("test", text, {"a": 1}) and not fast_schemas.is_valid("test", text, {})
    [kept] = (tmp_path / "foundry-estate").iterdir()
    assert kept.name.startswith("schema-test-") and kept.suffix == ".marshal"

    fast_schemas._validate_function.cache_clear()
    monkeypatch.setattr(fast_schemas, "_compile", lambda *args: pytest.fail("compiled again"))
    assert fast_schemas.is_valid("test", text, {"a": 1}) and not fast_schemas.is_valid("test", text, {})
    fast_schemas._validate_function.cache_clear()


@pytest.mark.parametrize("spoil", ["garbage", "unwritable"])
def test_a_spoilt_or_unwritable_cache_compiles_in_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         spoil: str) -> None:
    text = '{"type": "object", "required": ["b"]}'
    if spoil == "garbage":
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
        assert fast_schemas.is_valid("test", text, {"b": 1})
        fast_schemas._validate_function.cache_clear()
        [kept] = (tmp_path / "foundry-estate").iterdir()
        kept.write_bytes(b"not marshal")
    else:
        (tmp_path / "file").write_text("a file where the cache folder would be")
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    fast_schemas._validate_function.cache_clear()
    assert fast_schemas.is_valid("test", text, {"b": 1}) and not fast_schemas.is_valid("test", text, {})
    fast_schemas._validate_function.cache_clear()
