"""`foundry-estate validate [FILE...]`: every problem of every manifest, at once."""

from __future__ import annotations

import argparse
import os
import sys

from dataclasses import dataclass
from itertools import groupby
from typing import Callable

from foundry_estate.catalog.checks import DEFAULT_HORIZON_DAYS
from foundry_estate.cli.report import REPORTERS, FileResult
from foundry_estate.errors import KitError, Problem
from foundry_estate.project.environment import environment_of, stack_environments
from foundry_estate.manifest.document import Document
from foundry_estate.manifest.model import Manifest
from foundry_estate.validate.quota import InvalidManifest, QuotaSource, StackManifest, shared_problems, shared_use
from foundry_estate.repository.shared_checks import shared_account_problems
from foundry_estate.project.stacks import Stack, discover, find_root, subscription_of
from foundry_estate.repository.upgrade import template_age
from foundry_estate.project.project import Project, load_project, outside_any_project


def add_parser(verbs: argparse._SubParsersAction) -> None:
    parser = verbs.add_parser("validate", help="check manifests against the schema and the kit's rules",
                              description="Check manifests (default: the manifest of every stack in stacks/).")
    parser.add_argument("files", nargs="*", metavar="FILE", help="manifests to check")
    parser.add_argument("--format", choices=sorted(REPORTERS), default="text", help="report format (default: text)")
    parser.add_argument("--strict", action="store_true", help="models missing from the catalog are errors, not warnings (an unknown version of a known model, or a known model under another format, always is)")
    parser.add_argument("--horizon", type=_days, default=DEFAULT_HORIZON_DAYS, metavar="DAYS",
                        help=f"warn about model versions that retire within DAYS days (default: {DEFAULT_HORIZON_DAYS})")
    parser.add_argument("--environment", metavar="NAME",
                        help="hold every file to the guardrails (policy/guardrails.yaml) of this environment "
                             "(default: a stack's manifest gets its stack's; other files get none); "
                             "a name the guardrails do not know is refused")
    parser.add_argument("--allow-unknown-environment", action="store_true",
                        help="accept an --environment the guardrails do not name: every rule applies as written "
                             "(production's settings)")
    parser.set_defaults(run=run)


def _days(text: str) -> int:
    if not text.isdecimal():
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of days (0 or more)")
    return int(text)


def project_stacks(broken: list[Problem]) -> list[Stack]:
    """Every stack of the project here; a stack file that cannot be read goes to `broken`."""
    root = find_root()
    if root is None:
        raise KitError([Problem.at(".", "no Pulumi.yaml here or above: name the manifests to check")])
    stacks = discover(root, broken)
    if not stacks and not broken:
        raise KitError([Problem.at(root, "no stacks/Pulumi.<stack>.yaml: name the manifests to check")])
    return stacks


def projects_of(paths: list[str]) -> dict[str, Project]:
    """The project each manifest belongs to (the nearest Pulumi.yaml above it, else none), each
    resolved once for this command."""
    roots = {path: find_root(os.path.dirname(os.path.abspath(path))) for path in paths}
    projects = {root: load_project(root) if root else outside_any_project() for root in set(roots.values())}
    return {path: projects[root] for path, root in roots.items()}


@dataclass
class Checked:
    result: FileResult
    document: Document | None = None  # when it could be read: what the shared checks read
    manifest: Manifest | None = None  # when valid


def check(path: str, project: Project, args: argparse.Namespace, environment: Callable[[], str | None]) -> Checked:
    """Load and validate `path` once (its environment, and the project's catalog, asked only then:
    a wrong one is its problem)."""
    try:
        document = project.document(path)
    except KitError as error:
        return Checked(FileResult(path, list(error.problems)))
    try:
        validated = project.validated(path, environment(), project.options(args.horizon, args.strict))
        return Checked(FileResult(path, list(validated.warnings)), document, validated.manifest)
    except KitError as error:
        return Checked(FileResult(path, list(error.problems)), document)


def add_shared_problems(stacks: list[Stack], checked: dict[str, Checked]) -> None:
    """The stacks of one subscription together within every budget and Azure's limits, and no two
    stacks claiming one account (each manifest alone is checked already). Quota counts invalid
    manifests too (what is well formed in them), so a budget the stacks pass together is reported
    with every other error; a value that already has an error is not reported again."""
    valid: list[StackManifest] = []
    readable: list[QuotaSource] = []
    for stack in stacks:
        check = checked[stack.manifest_file]
        if check.document is not None and check.manifest is not None:
            valid.append(StackManifest(stack.name, subscription_of(stack), check.document, check.manifest))
            readable.append(valid[-1])
        elif check.document is not None:
            readable.append(InvalidManifest(stack.name, subscription_of(stack), check.document))
    files = {stack.name: stack.manifest_file for stack in stacks}
    for owner, problem in [*shared_problems(shared_use(readable)), *shared_account_problems(valid)]:
        problems = checked[files[owner]].result.problems
        if not any(p.severity == "error" and (p.position, p.path) == (problem.position, problem.path) for p in problems):
            problems.append(problem)


def run(args: argparse.Namespace) -> int:
    broken: list[Problem] = []
    stacks = [] if args.files else project_stacks(broken)
    paths = args.files or list(dict.fromkeys(stack.manifest_file for stack in stacks))
    projects = projects_of(paths)
    by_manifest = None if args.files else stack_environments(stacks)
    if args.environment and not args.allow_unknown_environment:
        for path in paths:  # a name the guardrails do not know is refused before anything is checked
            environment_of(path, args.environment, project=projects[path])

    def environment(path: str) -> Callable[[], str | None]:
        return lambda: environment_of(path, args.environment, allow_unknown=args.allow_unknown_environment,
                                      by_manifest=by_manifest, project=projects[path])

    checked = {path: check(path, projects[path], args, environment(path)) for path in paths}
    if stacks:
        add_shared_problems(stacks, checked)
    results = [FileResult(file, list(problems)) for file, problems in groupby(sorted(broken), key=lambda p: p.position.file)]
    results += [entry.result for entry in checked.values()]
    age = template_age(find_root() or ".") if stacks else None
    if age is not None:  # the workflows, Makefile, pack and schemas the installed kit would write are newer
        results.append(FileResult(age.position.file, [age]))
    REPORTERS[args.format](results, sys.stdout)
    return 0 if all(result.valid for result in results) else 1
