"""The example stacks of this repository (stacks/dev.yaml, stacks/prod.yaml, their shared
common.yaml): the tests about them name them, and work on a copy of just them, so a stack a team
adds to stacks/ changes no test's expectations."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
EXAMPLE_STACKS = ("dev", "prod")
EXAMPLE_FILES = ("common.yaml", *(f"{stack}.yaml" for stack in EXAMPLE_STACKS),
                 *(f"Pulumi.{stack}.yaml" for stack in EXAMPLE_STACKS))


def copy_examples(root: Path | str) -> Path:
    """A project in `root` with this repository's Pulumi.yaml, program, guardrails and the example stacks only."""
    root = Path(root)
    (root / "stacks").mkdir(parents=True, exist_ok=True)
    (root / "policy").mkdir(exist_ok=True)
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(REPO / name, root / name)
    shutil.copy(REPO / "policy" / "guardrails.yaml", root / "policy" / "guardrails.yaml")
    for name in EXAMPLE_FILES:
        shutil.copy(REPO / "stacks" / name, root / "stacks" / name)
    return root
