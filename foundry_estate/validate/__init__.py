"""Document -> typed manifest, or every problem at once (never both, never half)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Iterable

from foundry_estate.catalog.checks import CatalogOptions, catalog_problems
from foundry_estate.catalog.prices import PriceTable
from foundry_estate.validate.checks import CHECKS
from foundry_estate.validate.checks.hubs import check_instance_types
from foundry_estate.validate.checks.secrets import check_secrets, flagged
from foundry_estate.manifest.quoting import redact
from foundry_estate.manifest.document import Document
from foundry_estate.errors import KitError, Problem
from foundry_estate.guardrails import Guardrails, guardrail_problems
from foundry_estate.manifest.loader import load
from foundry_estate.manifest.model import Manifest, build
from foundry_estate.manifest.schema import schema_problems


@dataclass(frozen=True)
class Validated:
    manifest: Manifest
    warnings: tuple[Problem, ...]


def validate(document: Document, options: CatalogOptions = CatalogOptions(), environment: str | None = None,
             guardrails: Guardrails | None = None) -> Validated:
    """Schema, cross-checks and catalog together; raises `KitError` with all problems on any error.
    With an `environment`, a manifest that passes them is then held to that environment's
    `guardrails` (default: the kit's own)."""
    validated = checked(document, options)
    return guarded(document, validated, environment, guardrails) if environment is not None else validated


def checked(document: Document, options: CatalogOptions = CatalogOptions()) -> Validated:
    """Schema, cross-checks and catalog (`options`: the catalog, the day); raises `KitError` with
    all problems on any error."""
    problems = list(check_secrets(document))  # first: a secret is reported as one, whatever else is wrong
    secrets = flagged(document) if problems else set()
    reported = {p.path for p in problems}
    day = options.day
    checks: tuple[Callable[[Document], Iterable[Problem]], ...] = (
        schema_problems, *CHECKS, lambda doc: check_instance_types(doc, day), lambda doc: catalog_problems(doc, options))
    for check in checks:
        for problem in check(document):
            # One error per value: a value already reported (by the schema or an earlier
            # check) is not reported again from another angle.
            if problem.severity == "error" and problem.path in reported:
                continue
            reported.add(problem.path)
            problems.append(problem)
    problems = _without_secrets(sorted(set(problems)), secrets)
    if any(problem.severity == "error" for problem in problems):
        raise KitError(problems)
    return Validated(build(document.data), tuple(problems))


def guarded(document: Document, validated: Validated, environment: str, guardrails: Guardrails | None = None,
            prices: PriceTable | None = None) -> Validated:
    """A checked manifest held to the guardrails of `environment` (`prices`: what cost rules price
    with): their errors raise `KitError` (with the manifest's warnings), their warnings join the manifest's."""
    problems = sorted(set(validated.warnings) |
                      set(guardrail_problems(document, validated.manifest, environment, guardrails, prices)))
    if any(problem.severity == "error" for problem in problems):
        raise KitError(problems)
    return Validated(validated.manifest, tuple(problems))


def _without_secrets(problems: list[Problem], secrets: set[str]) -> list[Problem]:
    """The problems with every string the secret check flagged redacted from their paths and
    messages, whichever check quoted it."""
    if not secrets:
        return problems
    return [replace(problem, path=redact(problem.path, secrets), message=redact(problem.message, secrets))
            for problem in problems]


def load_manifest(path: str, options: CatalogOptions = CatalogOptions(), environment: str | None = None,
                  guardrails: Guardrails | None = None) -> Validated:
    """Read, validate and type the manifest at `path` (with `environment`: and hold it to its guardrails)."""
    return validate(load(path), options, environment, guardrails)
