"""What every command that writes files does first: finish or undo the write of a command that
was killed while it wrote here (`foundry_estate.files`), and say so on stderr."""

from __future__ import annotations

import sys

from foundry_estate.files import recover


def writable(root: str) -> str:
    """`root`, with no write of a stopped command left half done in it."""
    for done in recover(root):
        print(f"foundry-estate: {done}", file=sys.stderr)
    return root
