"""Writing commands stopped at every step of their writes (`init`, `stack new`; `import --force` in
tests/unit/live/test_import.py): SIGKILL, or a full disk. Each file is as it was or as it should
be at every instant, never partial, and after the next writing command's recovery the set is all
the new files or none; a full disk is exit 1, one line, nothing written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from foundry_estate import files
from foundry_estate.cli import main as cli
from support.kill_writes import assert_whole_and_together, snapshot, stopped_runs


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    assert cli.main(["init", str(root), "--project", "contoso"]) == 0
    return root


@pytest.mark.parametrize("mode", ["kill", "full"])
def test_stack_new_stopped_at_any_step_leaves_both_files_or_neither(project, mode) -> None:
    old = snapshot(str(project))
    runs = stopped_runs(["stack", "new", "staging"], project, mode)
    assert_whole_and_together(runs, old, mode)
    assert {"stacks/staging.yaml", "stacks/Pulumi.staging.yaml"} < set(runs[-1]["after"])


@pytest.mark.parametrize("mode", ["kill", "full"])
def test_init_stopped_at_random_steps_leaves_every_file_or_none(tmp_path, mode) -> None:
    """init writes some 25 files in some 200 steps: killed at 12 of them chosen at random, and
    with the disk full at each of its writes."""
    target = tmp_path / "team"
    target.mkdir()
    runs = stopped_runs(["init", ".", "--project", "contoso"], target, mode, sample=12 if mode == "kill" else 0)
    assert_whole_and_together(runs, {}, mode)
    assert len(runs[-1]["after"]) > 20


def test_the_next_writing_command_says_it_undid_a_stopped_write(project, monkeypatch, capsys) -> None:
    monkeypatch.chdir(project)
    stopped = files._Write(".", "999999999-00", ("stacks/staging.yaml", "stacks/Pulumi.staging.yaml"), ())
    for target in stopped.targets:
        Path(stopped.temp(target)).write_text("half a fi")
    Path(stopped.journal).write_bytes(stopped.record(files.STAGING))
    assert cli.main(["stack", "new", "staging"]) == 0
    assert capsys.readouterr().err.splitlines()[0] == (
        "foundry-estate: removed the unfinished write of stacks/staging.yaml, stacks/Pulumi.staging.yaml (a command "
        "stopped before it wrote them)")
    assert not [name for name in os.listdir(project / "stacks") if name.startswith(".")]
