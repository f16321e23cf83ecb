"""A loaded manifest: plain data plus the position where every value was written."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union

from foundry_estate.errors import Position, Problem

PathPart = Union[str, int]
Path = tuple[PathPart, ...]


def format_path(path: Path) -> str:
    """`("accounts", "core", "deployments", "grok-3", "capacity")` -> `accounts.core.deployments.grok-3.capacity`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


@dataclass(frozen=True)
class Document:
    """What the loader hands to the validator: JSON-like data and positions.

    `positions` maps a path to where its value starts; `key_positions` maps the path of a
    mapping entry to where its key was written (the better place to point at for
    "missing key" or "unknown key"). With `extends`, each position names the file that
    wrote the value.
    """

    file: str
    data: Any
    positions: dict[Path, Position] = field(default_factory=dict)
    key_positions: dict[Path, Position] = field(default_factory=dict)
    written: dict[Path, str] = field(default_factory=dict)
    """The text of each number as written (`0613` for the integer 395): messages quote it."""

    def position(self, path: Path, *, prefer_key: bool = False) -> Position:
        """The position of `path`, or of its nearest ancestor that has one."""
        probe = tuple(path)
        while True:
            found = (prefer_key and self.key_positions.get(probe)) or self.positions.get(probe)
            if found:
                return found
            if not probe:
                return Position(self.file)
            probe = probe[:-1]

    def problem(self, path: Path, message: str, *, prefer_key: bool = False,
                severity: str = "error") -> Problem:
        return Problem(self.position(path, prefer_key=prefer_key), format_path(path), message, severity)
