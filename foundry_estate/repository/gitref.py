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
from typing import Iterable, Iterator

from foundry_estate.errors import KitError, Problem
from foundry_estate.project.stacks import display


def _git(root: str, *args: str, failure: str | None = None) -> bytes:
    try:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, check=False)
    except FileNotFoundError:
        raise KitError([Problem.at(display(root), "git is not installed: the diff reads the base revision from git")]) from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise KitError([Problem.at(display(root), failure or f"git {' '.join(args)}: {message[-1] if message else 'failed'}")])
    return result.stdout


def verified(root: str, ref: str) -> str:
    """Check that `root` is in a git repository and `ref` names a commit; the path of `root`
    inside the repository."""
    prefix = _git(root, "rev-parse", "--show-prefix",
                  failure="not a git repository: the diff reads the base revision from git").decode().strip()
    _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}",
         failure=f"unknown git revision '{ref}': name a branch, tag or commit (in CI, fetch the base branch first)")
    return prefix


@contextmanager
def revision(root: str, ref: str, leave_out: Iterable[str] = ()) -> Iterator[str]:
    """A temporary directory holding the project (the part under `root`) at `ref`, without the
    files `leave_out` (paths relative to `root`)."""
    prefix = verified(root, ref)
    archive = _git(root, "archive", "--format=tar", f"{ref}:{prefix}" if prefix else ref)
    with tempfile.TemporaryDirectory(prefix="foundry-kit-base-") as directory:
        _extract(archive, directory, set(leave_out))
        yield os.path.realpath(directory)


def _extract(archive: bytes, directory: str, leave_out: set[str]) -> None:
    """The regular files of a `git archive` tar, written under `directory` (what planning reads:
    links and anything whose path leaves the directory are left out). Writing them directly is
    several times faster than `tarfile.extractall` for the many small files of many stacks."""
    made: set[str] = set()
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar:
            parts = member.name.split("/")
            if not member.isfile() or os.path.isabs(member.name) or ".." in parts or member.name in leave_out:
                continue
            target = os.path.join(directory, *parts)
            folder = os.path.dirname(target)
            if folder not in made:
                os.makedirs(folder, exist_ok=True)
                made.add(folder)
            source = tar.extractfile(member)
            assert source is not None
            with open(target, "wb") as handle:
                handle.write(source.read())


def changed_files(root: str, ref: str) -> set[str]:
    """The files under `root` (relative to it) that differ between `ref` and the working tree:
    changed, added, deleted, renamed (both names), or new and not ignored."""
    verified(root, ref)
    changed = _git(root, "diff", "--name-only", "--no-renames", "--relative", ref, "--").decode()
    untracked = _git(root, "ls-files", "--others", "--exclude-standard").decode()
    return {line for line in (changed + untracked).splitlines() if line}


def tracked_files(root: str, *patterns: str) -> list[str]:
    """The files under `root` (relative to it) that git tracks or would, matching `patterns`."""
    listed = _git(root, "ls-files", "--cached", "--others", "--exclude-standard", "--", *patterns).decode()
    return sorted({line for line in listed.splitlines() if line})


def file_at(root: str, ref: str, path: str) -> str | None:
    """The text of `path` (relative to `root`) at `ref`, or None if it has none."""
    prefix = verified(root, ref)
    try:
        return _git(root, "show", f"{ref}:{prefix}{path}").decode("utf-8", "replace")
    except KitError:
        return None
