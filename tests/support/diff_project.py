"""A throw-away git repository holding a copy of the example stacks, for `diff`: the base
revision is its first commit, a change is made in its working tree with `edit`."""

from __future__ import annotations

import io
import json
import os
import subprocess

from foundry_estate.cli.commands.diff import stack_diffs
from foundry_estate.cli.diff_report import as_json
from foundry_estate.project.project import load_project
from support.examples import REPO, copy_examples


def git(root, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=root, check=True,
                   capture_output=True)


def diff_project(root) -> str:
    """The example stacks, with the shipped guardrails made advisory: the diff of a change
    the guardrails would refuse is then still shown (with their warnings)."""
    copy_examples(root)
    with open(os.path.join(REPO, "policy", "guardrails.yaml"), encoding="utf-8") as handle:
        advisory = handle.read().replace("level: mandatory", "level: advisory")
    with open(os.path.join(root, "policy", "guardrails.yaml"), "w", encoding="utf-8") as handle:
        handle.write(advisory)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    return str(root)


def edit(root: str, file: str, old: str, new: str) -> None:
    path = os.path.join(root, "stacks", file)
    with open(path, encoding="utf-8") as handle:
        content = handle.read()
    assert old in content, f"{old!r} not in {file}"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(content.replace(old, new, 1))


def summary(root: str, stack: str = "prod") -> list[str]:
    """The plain-language sentences of one stack, in report order."""
    out = io.StringIO()
    as_json(stack_diffs(load_project(str(root)), "HEAD", [stack]), "HEAD", out)
    return [f"{s['subject']}" + (f" ({', '.join(s['accounts'])})" if s["accounts"] else "") + f": {s['text']}"
            for s in json.loads(out.getvalue())["stacks"][0]["summary"]]
