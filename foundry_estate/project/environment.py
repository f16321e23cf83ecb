"""Which environment's guardrails apply to a manifest of the project: that of the stacks using it.

A stack's environment is its `foundry-kit:environment` config value, else the stack name
(`foundry_estate/guardrails/environment.py`). `foundry-estate validate` applies it to a stack's
manifest; the policy pack to the stack being previewed or updated.
"""

from __future__ import annotations

import os
from typing import Iterable, Mapping

from foundry_estate.errors import KitError, Problem
from foundry_estate.guardrails.config import AS_WRITTEN, Guardrails
from foundry_estate.guardrails.environment import stack_environment
from foundry_estate.manifest.loader import load_stack_config
from foundry_estate.manifest.reading import did_you_mean
from foundry_estate.project.project import Project, resolve
from foundry_estate.project.stacks import Stack, discover


def environment_of(manifest_file: str, explicit: str | None = None, *, allow_unknown: bool = False,
                   by_manifest: Mapping[str, Mapping[str, str]] | None = None, project: Project | None = None) -> str | None:
    """The environment whose guardrails apply to `manifest_file`: `explicit` (validate's
    `--environment`) if given, else that of the project stack whose manifest it is, else None
    (a file no stack uses gets no guardrails). A file that stacks of different environments
    share raises `KitError`: which environment is meant must be said. So does an `explicit`
    name the guardrails do not know (a typo), unless `allow_unknown`. `by_manifest`: the
    project's `stack_environments` (default: of the stacks of `project`). `project`: the one the
    entry point resolved (default: the manifest's, resolved here)."""
    project = project or resolve(os.path.dirname(os.path.abspath(manifest_file)))
    if explicit:
        if not allow_unknown:
            _refuse_unknown(explicit, project.guardrails)
        return explicit
    if not os.path.isfile(manifest_file):
        return None
    if by_manifest is None:
        if project.root is None:
            return None
        by_manifest = stack_environments(discover(project.root, broken=[]))  # a broken stack file is reported as such, not here
    found = by_manifest.get(os.path.realpath(manifest_file), {})
    if len(set(found.values())) > 1:
        names = " and ".join(f"{name} ({environment})" for name, environment in sorted(found.items()))
        raise KitError([Problem.at(manifest_file, f"the manifest of stacks {names}: name one with --environment")])
    return next(iter(found.values()), None)


def stack_environments(stacks: Iterable[Stack]) -> dict[str, dict[str, str]]:
    """Per manifest (its real path): the stacks that use it and their environments."""
    found: dict[str, dict[str, str]] = {}
    for stack in stacks:
        found.setdefault(os.path.realpath(stack.manifest_file), {})[stack.name] = \
            stack_environment(stack.name, load_stack_config(stack.config_file))
    return found


def _refuse_unknown(environment: str, guardrails: Guardrails) -> None:
    if not guardrails.knows(environment):
        known = list(guardrails.environments)
        raise KitError([Problem.at(guardrails.file, f"--environment '{environment}' is not an environment this file names"
                                                    f"{did_you_mean(environment, known)}: it names {', '.join(known) or 'none'}; "
                                                    f"--allow-unknown-environment holds the manifests to every rule as written "
                                                    f"({AS_WRITTEN}'s settings)")])
