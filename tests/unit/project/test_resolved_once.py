"""The project is resolved once by an entry point and handed down: each manifest is checked once
per command (a plan, the program it runs under the mock engine and the pooled quota all ask),
the base of a diff is held to an earlier day by a parameter (not by the process environment),
and a stack the pooled quota cannot count is reported, not dropped."""

from __future__ import annotations

import os
from collections import Counter

import pytest

import foundry_estate.project.project as project_module
from foundry_estate.cli import main as cli
from foundry_estate.cli.commands.diff import stack_diffs
from foundry_estate.project.project import load_project
from support.diff_project import diff_project, edit, git


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often each manifest (by real path) is checked: schema, cross-checks and catalog."""
    counted: Counter[str] = Counter()
    checked = project_module.checked

    def counting(document, options):
        counted[os.path.realpath(document.file)] += 1
        return checked(document, options)

    monkeypatch.setattr(project_module, "checked", counting)
    return counted


def test_a_plan_checks_each_manifest_once(tmp_path, monkeypatch, checks, capsys) -> None:
    root = diff_project(tmp_path)
    monkeypatch.chdir(root)
    assert cli.main(["plan", "--format", "json"]) == 0
    assert checks == {os.path.realpath(os.path.join(root, "stacks", f"{stack}.yaml")): 1 for stack in ("dev", "prod")}


def test_a_diff_checks_each_manifest_once_per_side(tmp_path, monkeypatch, checks) -> None:
    root = diff_project(tmp_path)
    edit(root, "prod.yaml", "capacity: 200\n", "capacity: 250\n")
    monkeypatch.chdir(root)
    before = dict(os.environ)
    diffs = stack_diffs(load_project(root), "HEAD", None)
    assert [d.stack for d in diffs if d.changed] == ["prod"]
    head = {path: count for path, count in checks.items() if path.startswith(os.path.realpath(root))}
    base = {path: count for path, count in checks.items() if path not in head}
    # prod planned on both sides (its plan and the program it runs share one check); dev, unchanged,
    # checked once for the quota its subscription pools
    assert head == {os.path.realpath(os.path.join(root, "stacks", f"{stack}.yaml")): 1 for stack in ("dev", "prod")}
    # the base's prod: once held to a day before every retirement (its plan), once to today (its
    # warnings, so that the diff calls new only what the base lacks today)
    assert list(base.values()) == [2] and next(iter(base)).endswith(os.path.join("stacks", "prod.yaml"))
    assert dict(os.environ) == before  # the base's earlier day is a parameter


def test_a_stack_the_pooled_quota_cannot_count_is_reported(tmp_path, monkeypatch) -> None:
    root = diff_project(tmp_path)
    # dev is broken at the base and in the working tree alike: the diff does not plan it
    edit(root, "dev.yaml", "        capacity: 1\n", "        capacity: -1\n")
    git(root, "commit", "-qam", "dev broken")
    edit(root, "prod.yaml", "capacity: 200\n", "capacity: 250\n")
    monkeypatch.chdir(root)
    diffs = {d.stack: d for d in stack_diffs(load_project(root), "HEAD", None)}
    assert diffs["dev"].unchanged
    prod = diffs["prod"]
    assert prod.head is not None
    assert [str(w) for w in prod.head.warnings if "pools" in w.message] == [
        "stacks/dev.yaml:1:1: warning: stack dev is not valid (1 problem: run foundry-estate validate), so the quota its "
        "subscription pools leaves it out"]
    assert prod.quotas and all(use.stacks == ("prod",) for use in prod.quotas)  # dev is not counted, and said so
