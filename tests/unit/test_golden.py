"""The golden-file helper: a missing golden file fails and names the command that writes it."""

import pytest

from support.golden import assert_matches_golden, assert_text_matches_golden


def test_a_missing_golden_file_fails_and_is_not_written(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("UPDATE_GOLDEN", raising=False)
    path = tmp_path / "absent.json"
    with pytest.raises(AssertionError, match=r"golden file .*absent\.json is missing; write it with `UPDATE_GOLDEN=1 "):
        assert_matches_golden({"a": 1}, str(path))
    assert not path.exists()


def test_update_golden_writes_the_file_and_then_it_matches(tmp_path, monkeypatch) -> None:
    path = tmp_path / "written.txt"
    monkeypatch.setenv("UPDATE_GOLDEN", "1")
    assert_text_matches_golden("hello\n", str(path))
    monkeypatch.delenv("UPDATE_GOLDEN")
    assert path.read_text(encoding="utf-8") == "hello\n"
    assert_text_matches_golden("hello\n", str(path))
    with pytest.raises(AssertionError, match="output differs from"):
        assert_text_matches_golden("bye\n", str(path))
