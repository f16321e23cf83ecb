"""Document -> typed manifest, or every problem at once (never both, never half)."""

from __future__ import annotations

from dataclasses import dataclass

from .crosschecks import CHECKS
from .document import Document
from .errors import KitError, Problem
from .loader import load
from .manifest import Manifest, build
from .schema import schema_problems


@dataclass(frozen=True)
class Validated:
    manifest: Manifest
    warnings: tuple[Problem, ...]


def validate(document: Document) -> Validated:
    """Schema and cross-checks together; raises `KitError` with all problems on any error."""
    problems = schema_problems(document)
    reported = {p.path for p in problems if p.severity == "error"}
    for check in CHECKS:
        for problem in check(document):
            # One error per value: a value already reported (by the schema or an earlier
            # check) is not reported again from another angle.
            if problem.severity == "error" and problem.path in reported:
                continue
            reported.add(problem.path)
            problems.append(problem)
    problems = sorted(set(problems))
    if any(problem.severity == "error" for problem in problems):
        raise KitError(problems)
    return Validated(build(document.data), tuple(problems))


def load_manifest(path: str) -> Validated:
    """Read, validate and type the manifest at `path`."""
    return validate(load(path))
