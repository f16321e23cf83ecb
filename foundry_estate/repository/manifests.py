"""Every stack's manifest, validated, for what the stacks share (quota, names, accounts per region)."""

from __future__ import annotations

from typing import Iterable

from foundry_estate.errors import KitError, Problem
from foundry_estate.project.project import Project
from foundry_estate.project.stacks import Stack, subscription_of
from foundry_estate.validate.quota import StackManifest


def stack_manifest(stack: Stack, project: Project) -> StackManifest:
    """The stack's manifest as `project` checked it (without guardrails; once per command), or `KitError`."""
    found = project.checked(stack.manifest_file)
    return StackManifest(stack.name, subscription_of(stack), found.document, found.validated.manifest)


def stack_manifests(stacks: Iterable[Stack], project: Project) -> list[StackManifest]:
    """Each stack's manifest, validated (without guardrails); a `KitError` with every problem of every invalid one."""
    loaded: list[StackManifest] = []
    problems: list[Problem] = []
    for stack in stacks:
        try:
            loaded.append(stack_manifest(stack, project))
        except KitError as error:
            problems += error.problems
    if problems:
        raise KitError(problems)
    return loaded
