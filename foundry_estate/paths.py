"""Paths as people read them, and where a Pulumi project starts.

Shared ground for every stage: `display` shortens a path for messages; `find_root` finds the
project (its `Pulumi.yaml`), which only the entry points do (`foundry_estate/project/` resolves it
once and hands it down).
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_FILE = "Pulumi.yaml"


def display(path: str) -> str:
    """A path relative to the working directory when it is under it, else as given."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def find_root(start: str = ".") -> str | None:
    """The nearest directory at or above `start` that holds a Pulumi.yaml."""
    here = Path(start).resolve()
    for directory in (here, *here.parents):
        if (directory / PROJECT_FILE).is_file():
            return str(directory)
    return None


def project_own_file(root: str | None, relative: str, shipped: str) -> str | None:
    """A project's own data file (`catalog/models.yaml`, `catalog/prices.yaml`) that adds to the
    kit's, as shown in messages; None when the project has none, or it is the kit's own file."""
    path = os.path.join(root, relative) if root else ""
    if not path or not os.path.isfile(path) or os.path.samefile(path, shipped):
        return None
    return display(path)
