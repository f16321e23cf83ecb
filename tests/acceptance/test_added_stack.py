"""A team adds a stack to this repository with `foundry-estate stack new`: the suite's checks that
read the project's stacks stay green (the example stacks' tests name dev and prod; everything
else discovers the stacks). Slow: it runs the tests that read stacks/ again, in a copy."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.examples import REPO

pytestmark = pytest.mark.slow
# The tests that read this repository's stacks/ (discover it, or plan or list every stack); the
# others work on copies of the example stacks (support/examples.py) or on stacks they write.
STACK_DEPENDENT = ["unit/preview/test_plan.py", "unit/azure/test_arm_conformance.py", "unit/azure/test_resource_types.py",
                   "acceptance/test_project.py", "acceptance/test_workflows.py::TestStacks"]


def test_a_stack_added_with_stack_new_leaves_the_stack_dependent_tests_green(tmp_path: Path) -> None:
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=REPO,
                            capture_output=True, check=True).stdout.decode().split("\0")
    copy = tmp_path / "repo"
    for name in filter(None, listed):
        if (REPO / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, copy / name)
    env = {**os.environ, "PYTHONPATH": str(copy)}
    added = subprocess.run([sys.executable, "-m", "foundry_estate.cli", "stack", "new", "staging"], cwd=copy, env=env,
                           capture_output=True, text=True, timeout=300)
    assert added.returncode == 0, added.stdout + added.stderr
    assert (copy / "stacks" / "Pulumi.staging.yaml").is_file()
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not slow",
                             *(f"tests/{name}" for name in STACK_DEPENDENT)],
                            cwd=copy, env=env, capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
