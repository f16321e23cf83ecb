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
    for check in CHECKS:
        problems.extend(check(document))
    problems = sorted(set(problems))
    if any(problem.severity == "error" for problem in problems):
        raise KitError(problems)
    return Validated(build(document.data), tuple(problems))


def load_manifest(path: str) -> Validated:
    """Read, validate and type the manifest at `path`."""
    return validate(load(path))
