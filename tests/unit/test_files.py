"""Files written whole and together (`foundry_estate.files`): each file through a temporary file
beside it; a refused or failed write leaves nothing; `recover` undoes a write stopped before its
commit and finishes one stopped after (tests/acceptance/test_whole_writes.py stops real commands)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from foundry_estate import files
from foundry_estate.errors import KitError


def test_write_files_writes_every_file_and_leaves_no_temporary_file(tmp_path) -> None:
    files.write_files(str(tmp_path), {"a.yaml": "a: 1\n", "deep/er/b.yaml": "b: 2\n"})
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()) == ["a.yaml", "deep/er/b.yaml"]
    assert (tmp_path / "deep" / "er" / "b.yaml").read_text() == "b: 2\n"


def test_an_existing_file_refuses_the_whole_write_unless_replacing(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "b.yaml").write_text("old\n")
    with pytest.raises(KitError) as refused:
        files.write_files(".", {"a.yaml": "new\n", "b.yaml": "new\n"})
    assert str(refused.value) == "b.yaml:1:1: already exists: nothing was written"
    assert sorted(os.listdir(tmp_path)) == ["b.yaml"]
    files.write_files(".", {"a.yaml": "new\n", "b.yaml": "new\n"}, replace=True)
    assert (tmp_path / "a.yaml").read_text() == (tmp_path / "b.yaml").read_text() == "new\n"


def test_a_full_disk_is_one_line_and_writes_nothing(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_text("old\n")
    real, writes = os.write, []

    def full_on_the_third(descriptor: int, data: bytes) -> int:
        writes.append(data)
        if len(writes) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(descriptor, data)

    monkeypatch.setattr(os, "write", full_on_the_third)
    with pytest.raises(KitError) as refused:
        files.write_files(".", {"a.yaml": "new a\n", "new/b.yaml": "new b\n"}, replace=True)
    assert str(refused.value) == "new/b.yaml:1:1: cannot write the file: the disk is full; nothing was written"
    assert sorted(os.listdir(tmp_path)) == ["a.yaml"]  # no temporary file, no journal, no folder made
    assert (tmp_path / "a.yaml").read_text() == "old\n"


def test_recover_undoes_a_write_stopped_before_its_commit_and_finishes_one_after(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_text("old\n")
    staged = files._Write(".", "999999999-00", ("a.yaml", "new/b.yaml"), ("new",))
    os.mkdir("new")
    for target in staged.targets:
        Path(staged.temp(target)).write_text("new\n")
    Path(staged.journal).write_bytes(staged.record(files.STAGING))
    assert files.recover(".") == ["removed the unfinished write of a.yaml, new/b.yaml (a command stopped before it wrote them)"]
    assert sorted(os.listdir(tmp_path)) == ["a.yaml"] and (tmp_path / "a.yaml").read_text() == "old\n"

    os.mkdir("new")
    for target in staged.targets:
        Path(staged.temp(target)).write_text("new\n")
    os.replace(staged.temp("a.yaml"), "a.yaml")  # stopped between its renames
    Path(staged.journal).write_bytes(staged.record(files.COMMIT))
    assert files.recover(".") == ["finished writing a.yaml, new/b.yaml (a command stopped while it wrote them)"]
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()) == ["a.yaml", "new/b.yaml"]
    assert (tmp_path / "new" / "b.yaml").read_text() == "new\n"


def test_recover_leaves_alone_what_a_running_command_writes(tmp_path) -> None:
    staged = files._Write(str(tmp_path), f"{os.getppid()}-00", ("a.yaml",), ())
    Path(staged.temp("a.yaml")).write_text("new\n")
    Path(staged.journal).write_bytes(staged.record(files.STAGING))
    assert files.recover(str(tmp_path)) == []
    assert len(os.listdir(tmp_path)) == 2
