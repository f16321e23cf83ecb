"""The kit's own data files (model catalog, instance types, guardrails): read, held to their
schema, then to the checks a schema cannot express, every problem at once."""

from __future__ import annotations

from typing import Callable, Iterable

from foundry_estate.manifest.document import Document
from foundry_estate.errors import KitError, Problem
from foundry_estate.manifest.loader import load
from foundry_estate.manifest.schema import schema_problems


def load_data_file(path: str, schema: str, checks: Callable[[Document], Iterable[Problem]] = lambda _: ()) -> Document:
    """The document at `path`, valid against `schemas/<schema>.schema.json` and `checks` (which
    run only on a document the schema accepts); else `KitError` with every problem."""
    document = load(path)
    problems = schema_problems(document, schema) or list(checks(document))
    if problems:
        raise KitError(problems)
    return document
