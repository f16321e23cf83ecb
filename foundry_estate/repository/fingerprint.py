"""Which stacks plan from the same inputs at a git revision and in the working tree, so that
`foundry-estate diff` plans only what a change can affect.

The inputs: the manifest as resolved (after `extends`, so a file it extends counts, and a
pure reformatting does not), the stack's Pulumi config, the guardrails it is held to, the
project's own price table (catalog/prices.yaml: what the stack costs), and the project's
program (its Pulumi.yaml name, which URNs carry, and the program file). The kit's own code
and shipped data (catalog, schemas, components) count only through which kit plans each
side: where the base pins another kit than the installed one (`base_kit.py`), no stack is
skipped, since the same manifest can plan differently under another kit.

Two steps keep this cheap for many stacks. First git names the files that changed; a stack
none of whose files changed, and whose manifest mentions no changed file's name (directly or
through files that do, which is how `extends` names them), is unchanged without reading it
(`untouched_stacks`; the diff does not even copy its files out of the base revision). The
others are compared by `stack_inputs`, a digest of what they resolve to (`same_inputs`).
"""

from __future__ import annotations

import hashlib
import json
import os

from foundry_estate.catalog.prices import PROJECT_PRICES
from foundry_estate.errors import KitError
from foundry_estate.guardrails.config import GUARDRAILS_FILE
from foundry_estate.manifest.loader import load, load_stack_config
from foundry_estate.repository.gitref import changed_files, tracked_files
from foundry_estate.project.project import Project
from foundry_estate.project.stacks import Stack


def _file(path: str | None) -> bytes:
    if path is None or not os.path.isfile(path):
        return b"(none)"
    with open(path, "rb") as handle:
        return handle.read()


def stack_inputs(stack: Stack, project: Project) -> str:
    """The digest of everything the stack's plan in `project` is computed from (a `KitError` if its
    manifest or config cannot be read: planning it reports that)."""
    digest = hashlib.sha256()
    for part in (
        json.dumps(load(stack.manifest_file, root=project.root).data, sort_keys=True, default=str).encode(),
        json.dumps(load_stack_config(stack.config_file) if stack.config_file else {}, sort_keys=True, default=str).encode(),
        _file(project.guardrails_file),
        (project.name if project.root else "(no project)").encode(),
        _file(project.program or None),
        _file(os.path.join(project.root, PROJECT_PRICES) if project.root else None),  # the project's own prices: its cost
    ):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def untouched_stacks(project: Project, ref: str, head: dict[str, Stack]) -> set[str]:
    """The stacks of the working tree (of `project`) none of whose input files differ
    from `ref`, known without reading them: they are identical at `ref` too."""
    assert project.root is not None
    root = project.root
    changed = changed_files(root, ref)
    if _project_changed(changed, project):
        return set()
    affected = _mentioning({os.path.basename(path) for path in changed}, root)
    untouched = set()
    for name, stack in head.items():
        own = own_files(root, stack)
        if not changed.intersection(own) and not any(path.startswith("..") for path in own) and \
                os.path.basename(stack.manifest_file) not in affected:
            untouched.add(name)
    return untouched


def own_files(root: str, stack: Stack) -> list[str]:
    """The stack's manifest and config file, relative to `root`."""
    return [os.path.relpath(os.path.abspath(path), root) for path in (stack.manifest_file, stack.config_file) if path]


def _project_changed(changed: set[str], project: Project) -> bool:
    """Whether what every stack shares changed: Pulumi.yaml, the program, the guardrails, the project's prices."""
    assert project.root is not None
    shared = {"Pulumi.yaml", GUARDRAILS_FILE, PROJECT_PRICES, os.path.relpath(project.program, project.root)}
    return bool(changed & shared)


def _mentioning(names: set[str], root: str) -> set[str]:
    """`names`, and the names of the YAML files that mention one of them, until none is added."""
    affected = set(names)
    texts: dict[str, bytes] = {}
    for path in tracked_files(root, "*.yaml", "*.yml"):
        if os.path.basename(path).startswith("Pulumi.") or not os.path.isfile(os.path.join(root, path)):
            continue  # Pulumi's files extend nothing (the manifest a config names is the stack's own); deleted
        with open(os.path.join(root, path), "rb") as handle:
            texts[os.path.basename(path)] = texts.get(os.path.basename(path), b"") + handle.read()
    grown = True
    while grown:
        grown = False
        for name, text in texts.items():
            if name not in affected and any(other.encode() in text for other in affected):
                affected.add(name)
                grown = True
    return affected


def same_inputs(base: Stack, head: Stack, base_project: Project, head_project: Project) -> bool:
    """Whether the stack at the base and in the working tree plans from identical inputs."""
    try:
        return stack_inputs(base, base_project) == stack_inputs(head, head_project)
    except KitError:
        return False  # planning it reports why
