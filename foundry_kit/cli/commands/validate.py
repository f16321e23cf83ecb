"""`foundry-kit validate [FILE...]`: every problem of every manifest, at once."""

from __future__ import annotations

import argparse
import sys

from foundry_kit.catalog.checks import DEFAULT_HORIZON_DAYS, CatalogOptions
from foundry_kit.errors import KitError, Problem
from foundry_kit.guardrails import environment_of
from foundry_kit.project.quota import shared_problems, shared_use, stack_manifests
from foundry_kit.cli.report import REPORTERS, FileResult
from foundry_kit.project.stacks import discover, find_root
from foundry_kit.validate import load_manifest
from foundry_kit.cli.commands.plan import select


def add_parser(verbs: argparse._SubParsersAction) -> None:
    parser = verbs.add_parser("validate", help="check manifests against the schema and the kit's rules",
                              description="Check manifests (default: the manifest of every stack in stacks/).")
    parser.add_argument("files", nargs="*", metavar="FILE", help="manifests to check")
    parser.add_argument("--format", choices=sorted(REPORTERS), default="text", help="report format (default: text)")
    parser.add_argument("--strict", action="store_true", help="models and versions missing from the catalog are errors, not warnings")
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


def manifests(files: list[str]) -> list[str]:
    if files:
        return files
    root = find_root()
    if root is None:
        raise KitError([Problem.at(".", "no Pulumi.yaml here or above: name the manifests to check")])
    found = [stack.manifest_file for stack in discover(root)]
    if not found:
        raise KitError([Problem.at(root, "no stacks/Pulumi.<stack>.yaml: name the manifests to check")])
    return found


def check(path: str, options: CatalogOptions, environment: str | None = None) -> FileResult:
    try:
        return FileResult(path, list(load_manifest(path, options, environment).warnings))
    except KitError as error:
        return FileResult(path, list(error.problems))


def add_shared_quota_problems(results: list[FileResult]) -> None:
    """The stacks of one subscription together within every budget (each manifest alone is checked already)."""
    by_file = {result.file: result for result in results}
    stacks = [stack for stack in select(None, None) if by_file[stack.manifest_file].valid]
    files = {stack.name: stack.manifest_file for stack in stacks}
    for stack, problem in shared_problems(shared_use(stack_manifests(stacks))):
        by_file[files[stack]].problems.append(problem)


def run(args: argparse.Namespace) -> int:
    options = CatalogOptions(horizon_days=args.horizon, strict=args.strict)
    results = [check(path, options, environment_of(path, args.environment, allow_unknown=args.allow_unknown_environment)) for path in manifests(args.files)]
    if not args.files:
        add_shared_quota_problems(results)
    REPORTERS[args.format](results, sys.stdout)
    return 0 if all(result.valid for result in results) else 1
