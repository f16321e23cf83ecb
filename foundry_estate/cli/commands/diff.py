"""`foundry-estate diff --base REF`: what a change to the manifests does in Azure, offline.

Plans every stack (or `--stack S`) from the manifests at git `REF` and from the working
tree, each with its side's project program, and reports the difference. A stack whose inputs
are identical on both sides (`project/fingerprint.py`) is not planned: the diff costs what
changed. Exit status:
0 no changes, 2 changes, 4 destructive changes with `--fail-on-destructive`, 1 invalid
input, 3 a bug.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from contextlib import contextmanager
from datetime import date
from typing import Iterator

from foundry_estate.preview.diff import StackDiff, diff_plans
from foundry_estate.cli.diff_report import REPORTERS
from foundry_estate.errors import KitError, Position, Problem
from foundry_estate.catalog.checks import TODAY_VARIABLE
from foundry_estate.repository.gitref import revision
from foundry_estate.preview.plan import Plan, environment_of, plan_stack
from foundry_estate.preview.refusals import diff_problems
from foundry_estate.repository.manifests import stack_manifests
from foundry_estate.validate import load_manifest
from foundry_estate.validate.quota import SharedUse, shared_problems, shared_use
from foundry_estate.repository.fingerprint import own_files, same_inputs, untouched_stacks
from foundry_estate.project.stacks import Stack, discover, display, subscription_of
from foundry_estate.project.stacks import project_root

EXIT_NO_CHANGES, EXIT_CHANGES, EXIT_DESTRUCTIVE = 0, 2, 4


def add_parser(verbs: argparse._SubParsersAction) -> None:
    parser = verbs.add_parser("diff", help="what the manifests' changes since a git revision do in Azure, offline",
                              description="Plan the stacks at git REF and in the working tree and report the "
                                          "difference. Exit 0: no changes; 2: changes; 4: destructive changes "
                                          "(with --fail-on-destructive); 1: invalid input.")
    parser.add_argument("--base", required=True, metavar="REF", help="the git revision to compare with (e.g. origin/main)")
    parser.add_argument("--stack", action="append", metavar="S", help="only this stack (repeatable; default: every "
                                                                       "stack on either side)")
    parser.add_argument("--format", choices=sorted(REPORTERS), default="text", help="report format (default: text)")
    parser.add_argument("--fail-on-destructive", action="store_true", help="exit 4 when a resource is deleted or replaced")
    parser.set_defaults(run=run)


@contextmanager
def _before_any_retirement() -> Iterator[None]:
    """The base is planned only to compare with: a model retired since it was merged is no
    reason to refuse the base of the change that replaces it. Lifecycle rules then see a day
    before every retirement (the head is held to today's)."""
    before = os.environ.get(TODAY_VARIABLE)
    os.environ[TODAY_VARIABLE] = date.min.isoformat()
    try:
        yield
    finally:
        if before is None:
            del os.environ[TODAY_VARIABLE]
        else:
            os.environ[TODAY_VARIABLE] = before


def _plan_at(stack: Stack | None, ref: str, base_root: str) -> Plan | None:
    """A stack's plan from the files at `ref`, held to the guardrails of `ref` but not to model
    retirements; problems in them are shown as `REF:path`. Its warnings are those of today, so
    that a warning the head shares with the base (a model retiring soon) is not called new."""
    if stack is None:
        return None
    try:
        with _before_any_retirement():
            plan = plan_stack(stack)
    except KitError as error:
        raise KitError([dataclasses.replace(p, position=_at_ref(p.position, ref, base_root)) for p in error.problems]) from None
    return dataclasses.replace(plan, manifest=f"{ref}:{os.path.relpath(plan.manifest, base_root)}",
                               warnings=_problems_today(stack))


def _problems_today(stack: Stack) -> tuple[Problem, ...]:
    """What validation says of a stack's manifest today: its warnings, or (a model retired since)
    every problem."""
    try:
        return load_manifest(stack.manifest_file, environment=environment_of(stack)).warnings
    except KitError as error:
        return error.problems


def _at_ref(position: Position, ref: str, base_root: str) -> Position:
    path = os.path.realpath(position.file)
    if path == base_root or path.startswith(base_root + os.sep):
        return dataclasses.replace(position, file=f"{ref}:{os.path.relpath(path, base_root)}")
    return position


def stack_diffs(root: str, ref: str, names: list[str] | None) -> list[StackDiff]:
    head = {stack.name: stack for stack in discover(root)}
    untouched = untouched_stacks(root, ref, head)
    with revision(root, ref, [path for name in untouched for path in own_files(root, head[name])]) as base_root:
        base = {stack.name: stack for stack in discover(base_root)}
        wanted = names or sorted(set(head) | set(base))
        unknown = [name for name in wanted if name not in head and name not in base]
        if unknown:
            raise KitError([Problem.at(display(os.path.join(root, "stacks")),
                                       f"no stack {', '.join(unknown)} here or at {ref}")])
        diffs = [StackDiff(name, None, None, (), unchanged=True)
                 if name in untouched or (name in base and name in head and same_inputs(base[name], head[name]))
                 else diff_plans(name, _plan_at(base.get(name), ref, base_root),
                                 plan_stack(head[name]) if name in head else None)
                 for name in wanted]
    return _held_to_refusals(_with_pooled_quota(diffs, list(head.values())))


def _held_to_refusals(diffs: list[StackDiff]) -> list[StackDiff]:
    """What the change itself breaks (an account replaced where the guardrails forbid it, a
    rename passing the quota, the stacks of a subscription together passing a budget): errors
    fail the diff, all of them at once; warnings join the head's."""
    problems = {d.stack: diff_problems(d) for d in diffs}
    errors = [p for found in problems.values() for p in found if p.severity == "error"]
    errors += [p for p in _pooled_overruns(diffs) if p not in errors]
    if errors:
        raise KitError(errors)
    return [dataclasses.replace(d, head=dataclasses.replace(d.head, warnings=d.head.warnings + tuple(problems[d.stack])))
            if d.head is not None and problems[d.stack] else d for d in diffs]


def _pooled_overruns(diffs: list[StackDiff]) -> list[Problem]:
    """Each budget that the stacks of a planned stack's subscription pass together (each
    manifest alone is within it, or validation would have refused it): at the budget's place."""
    uses: dict[tuple[object, ...], SharedUse] = {}
    for diff in diffs:
        if diff.head is not None:
            uses.update({(use.subscription, use.stacks, use.key): use for use in diff.quotas})
    return [problem for _, problem in shared_problems(uses.values())]


def _with_pooled_quota(diffs: list[StackDiff], head: list[Stack]) -> list[StackDiff]:
    """Quota in the summary is the subscription's: every stack of the working tree that deploys
    into it counts (one that is invalid is `validate`'s to report, and a diffed one was planned).
    Only the subscriptions of stacks that were planned are read."""
    planned = {d.stack for d in diffs if d.head is not None}
    subscriptions = {subscription_of(stack) for stack in head if stack.name in planned}
    manifests = []
    for stack in (s for s in head if subscription_of(s) in subscriptions):
        try:
            manifests += stack_manifests([stack])
        except KitError:
            continue
    uses = shared_use(manifests)
    return [dataclasses.replace(d, quotas=tuple(u for u in uses if d.stack in u.stacks)) for d in diffs]


def run(args: argparse.Namespace) -> int:
    diffs = stack_diffs(project_root(), args.base, args.stack)
    REPORTERS[args.format](diffs, args.base, sys.stdout)
    if args.fail_on_destructive and any(diff.destructive for diff in diffs):
        return EXIT_DESTRUCTIVE
    return EXIT_CHANGES if any(diff.changed for diff in diffs) else EXIT_NO_CHANGES
