"""The project as it was at a git revision: a read-only copy in a temporary directory.

`git archive` of the revision, so neither the working tree nor the index is touched, and a
revision can be compared with uncommitted changes.
"""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
import tempfile
from contextlib import contextmanager
from typing import Iterator

from foundry_kit.errors import KitError, Problem
from foundry_kit.project.stacks import display


def _git(root: str, *args: str, failure: str | None = None) -> bytes:
    try:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, check=False)
    except FileNotFoundError:
        raise KitError([Problem.at(display(root), "git is not installed: the diff reads the base revision from git")]) from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise KitError([Problem.at(display(root), failure or f"git {' '.join(args)}: {message[-1] if message else 'failed'}")])
    return result.stdout


@contextmanager
def revision(root: str, ref: str) -> Iterator[str]:
    """A temporary directory holding the project (the part under `root`) at `ref`."""
    prefix = _git(root, "rev-parse", "--show-prefix",
                  failure="not a git repository: the diff reads the base revision from git").decode().strip()
    _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}",
         failure=f"unknown git revision '{ref}': name a branch, tag or commit (in CI, fetch the base branch first)")
    archive = _git(root, "archive", "--format=tar", f"{ref}:{prefix}" if prefix else ref)
    with tempfile.TemporaryDirectory(prefix="foundry-kit-base-") as directory:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(directory, filter="data")
        yield os.path.realpath(directory)
