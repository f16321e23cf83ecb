"""Every stack's manifest, validated, for what the stacks share (quota, names, accounts per region)."""

from __future__ import annotations

from typing import Iterable

from foundry_estate.errors import KitError, Problem
from foundry_estate.manifest.loader import load
from foundry_estate.project.stacks import Stack, subscription_of
from foundry_estate.validate import validate
from foundry_estate.validate.quota import StackManifest


def stack_manifests(stacks: Iterable[Stack]) -> list[StackManifest]:
    """Each stack's manifest, validated (without guardrails); a `KitError` with every problem of every invalid one."""
    loaded: list[StackManifest] = []
    problems: list[Problem] = []
    for stack in stacks:
        try:
            document = load(stack.manifest_file)
            loaded.append(StackManifest(stack.name, subscription_of(stack), document, validate(document).manifest))
        except KitError as error:
            problems += error.problems
    if problems:
        raise KitError(problems)
    return loaded
