"""The kit's one error type and the problems it carries.

Every failure a user can cause (unreadable file, bad YAML, schema or cross-check
violation) becomes a `Problem` with a position; `KitError` carries one or more of them
to the error funnel in `cli/main.py` (exit 1) or to `pulumi.RunError` in `__main__.py`.
Anything else that escapes is a bug (exit 3).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """`text` on one line: its control characters (newlines, carriage returns, terminal escapes,
    Unicode line separators) written as Python escapes (`\\n`), so that a value from a manifest
    never starts a line of its own in a report, where a CI runner could read it as a command."""
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)


@dataclass(frozen=True, order=True, slots=True)
class Position:
    """Where a value was written: 1-based line and column."""

    file: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a manifest, at the place it was written."""

    position: Position
    path: str
    message: str
    severity: str = "error"

    @classmethod
    def at(cls, file: str, message: str) -> "Problem":
        """A problem with a whole file (or directory), not with one value in it."""
        return cls(Position(file), "", message)

    def __str__(self) -> str:
        """One line, whatever the values it quotes contain (see `one_line`)."""
        where = f"{self.position}: {self.path}" if self.path else f"{self.position}"
        prefix = "warning: " if self.severity == "warning" else ""
        return one_line(f"{where}: {prefix}{self.message}")


class KitError(Exception):
    """An error the user can fix: carries the problems, already positioned."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(sorted(problems))
        super().__init__("\n".join(str(p) for p in self.problems))
