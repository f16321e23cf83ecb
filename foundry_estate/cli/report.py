"""Reporters: the results of checking files, as text, GitHub annotations or JSON."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from typing import Callable, TextIO

from foundry_estate.errors import Problem, one_line
from foundry_estate.words import inert_json, plural


@dataclass
class FileResult:
    file: str
    problems: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def _count(results: list[FileResult], severity: str) -> int:
    return sum(1 for r in results for p in r.problems if p.severity == severity)


def text(results: list[FileResult], out: TextIO) -> None:
    for result in results:
        for problem in result.problems:
            print(problem, file=out)
    errors, warnings = _count(results, "error"), _count(results, "warning")
    invalid = sum(1 for r in results if not r.valid)
    warned = plural(warnings, "warning")
    if errors:
        print(f"{plural(errors, 'error')} in {plural(invalid, 'file')}" + (f", {warned}" if warnings else ""), file=out)
    else:
        checked = one_line(", ".join(r.file for r in results))
        print(f"{plural(len(results), 'manifest')} valid" + (f" ({warned})" if warnings else "") + f": {checked}", file=out)


def github(results: list[FileResult], out: TextIO) -> None:
    """GitHub Actions workflow commands: annotations on the pull request's files, each value
    escaped as the runner's rules say; then the plain report for the log, between
    `stop-commands` and its one-time token, so that nothing in it is a command to the runner
    (the runner reads `::` at a line's start and `##[` anywhere in it)."""
    for result in results:
        for p in result.problems:
            level = "warning" if p.severity == "warning" else "error"
            message = f"{p.path}: {p.message}" if p.path else p.message
            print(f"::{level} file={_escape_property(p.position.file)},line={p.position.line},"
                  f"col={p.position.column},title=foundry-estate::{_escape_data(message)}", file=out)
    token = secrets.token_hex(16)
    print(f"::stop-commands::{token}", file=out)
    text(results, out)
    print(f"::{token}::", file=out)


def as_json(results: list[FileResult], out: TextIO) -> None:
    report = {
        "valid": all(r.valid for r in results),
        "files": [
            {"file": r.file, "valid": r.valid, "problems": [problem_record(p) for p in r.problems]}
            for r in results
        ],
    }
    out.write(inert_json(json.dumps(report, indent=2, sort_keys=True)) + "\n")


def problem_record(p: Problem) -> dict[str, object]:
    return {"file": p.position.file, "line": p.position.line, "column": p.position.column,
            "path": p.path, "severity": p.severity, "message": p.message}


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


REPORTERS: dict[str, Callable[[list[FileResult], TextIO], None]] = {"text": text, "github": github, "json": as_json}
