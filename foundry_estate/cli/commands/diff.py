"""`foundry-estate diff --base REF`: what a change to the manifests does in Azure, offline.

Plans every stack (or `--stack S`) from the manifests at git `REF` and from the working
tree, each with its side's project program, and reports the difference. A stack whose inputs
are identical on both sides (`repository/fingerprint.py`) is not planned: the diff costs what
changed. Where the base pins another kit than the installed one (a team's requirements.txt,
the kit's own source), the base is planned with that kit and nothing is skipped
(`repository/base_kit.py`); the report's first line says so. Exit status:
0 no changes, 2 changes, 4 destructive changes with `--fail-on-destructive`, 1 invalid
input, 3 a bug.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import os
import sys
from datetime import date

from foundry_estate.preview.diff import StackDiff, diff_plans
from foundry_estate.catalog.checks import declared_deployments
from foundry_estate.cli import markdown as md
from foundry_estate.cli.diff_report import REPORTERS
from foundry_estate.errors import KitError, Position, Problem
from foundry_estate.repository.gitref import revision
from foundry_estate.preview.plan import Plan, environment_of, plan_stack, stack_cost
from foundry_estate.preview.refusals import diff_problems
from foundry_estate.repository.manifests import stack_manifest
from foundry_estate.project.project import Project, load_project, resolve
from foundry_estate.words import plural
from foundry_estate.validate.quota import SharedUse, shared_problems, shared_use
from foundry_estate.repository.base_kit import BaseKit, KitUnavailable, base_kit, kit_environment, plans_with
from foundry_estate.repository.fingerprint import own_files, same_inputs, untouched_stacks
from foundry_estate.project.stacks import Stack, discover, display, subscription_of
from foundry_estate.project.stacks import project_root

EXIT_NO_CHANGES, EXIT_CHANGES, EXIT_DESTRUCTIVE = 0, 2, 4


def _report(diffs: list[StackDiff], base: str, kit: BaseKit | None, form: str) -> None:
    """The report; when the base pins another kit, its first line (JSON: `baseKit`) says which."""
    if kit is None:
        REPORTERS[form](diffs, base, sys.stdout)
    elif form == "json":
        buffer = io.StringIO()
        REPORTERS[form](diffs, base, buffer)
        document = json.loads(buffer.getvalue())
        document["baseKit"] = {"version": kit.version, "pinnedBy": kit.where, "unavailable": kit.unavailable or None,
                               "note": kit.note(base)}
        json.dump(document, sys.stdout, indent=2, sort_keys=True)
        sys.stdout.write("\n")
    else:
        print(f"> {md.text(kit.note(base))}\n" if form == "markdown" else kit.note(base))
        REPORTERS[form](diffs, base, sys.stdout)


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


def _plan_at(stack: Stack | None, ref: str, base: Project, base_today: Project) -> Plan | None:
    """A stack's plan from the files at `ref` (`base`: the project as it was there, its lifecycle
    rules held to a day before every retirement), held to the guardrails of `ref` but not to model
    retirements; problems in them are shown as `REF:path`. Its warnings are those of today
    (`base_today`), so that a warning the head shares with the base (a model retiring soon) is not
    called new."""
    if stack is None:
        return None
    assert base.root is not None
    try:
        plan = plan_stack(stack, base)
    except KitError as error:
        raise KitError([dataclasses.replace(p, position=_at_ref(p.position, ref, base.root)) for p in error.problems]) from None
    return dataclasses.replace(plan, manifest=f"{ref}:{os.path.relpath(plan.manifest, base.root)}",
                               warnings=_problems_today(stack, base_today))


def _problems_today(stack: Stack, project: Project) -> tuple[Problem, ...]:
    """What validation says of a stack's manifest today: its warnings, or (a model retired since)
    every problem."""
    try:
        return project.validated(stack.manifest_file, environment_of(stack)).warnings
    except KitError as error:
        return error.problems


def _at_ref(position: Position, ref: str, base_root: str) -> Position:
    path = os.path.realpath(position.file)
    if path == base_root or path.startswith(base_root + os.sep):
        return dataclasses.replace(position, file=f"{ref}:{os.path.relpath(path, base_root)}")
    return position


def _read_here(plan: Plan, stack: Stack, base: Project, base_today: Project) -> Plan:
    """A plan the base's own kit made, with what this kit reads from the same manifest: its
    warnings of today (as `_plan_at`'s) and its cost at this project's prices at `ref`."""
    try:
        cost = stack_cost(stack.name, plan.resources, base.validated(stack.manifest_file, environment_of(stack)).manifest,
                          base.prices)
    except KitError:
        cost = None
    return dataclasses.replace(plan, warnings=_problems_today(stack, base_today), cost=cost)


def stack_diffs(project: Project, ref: str, names: list[str] | None) -> list[StackDiff]:
    return compare(project, ref, names)[0]


def compare(project: Project, ref: str, names: list[str] | None) -> tuple[list[StackDiff], BaseKit | None]:
    """Each stack's diff (`project`: the working tree's), and the kit the base pins where it is not
    the installed one (then every stack is planned on both sides: the same manifest can plan
    differently)."""
    assert project.root is not None
    root = project.root
    head = {stack.name: stack for stack in discover(root)}
    kit = base_kit(root, ref)
    untouched = untouched_stacks(project, ref, head) if kit is None else set()
    with revision(root, ref, [path for name in untouched for path in own_files(root, head[name])]) as base_root:
        # The base is planned only to compare with: a model retired since it was merged is no
        # reason to refuse the base of the change that replaces it. Its lifecycle rules see a
        # day before every retirement (the head is held to today's): a parameter of its project.
        base_today = resolve(base_root, today=project.today)
        base_project = base_today.on(date.min)
        base = {stack.name: stack for stack in discover(base_root)}
        # What the base deployed runs in Azure: a retired model the change keeps is said, not
        # refused; only a change that brings one in is (a new deployment, a version changed to it).
        project = project.knowing_running(_deployed_at_base(base_project, list(base.values())))
        wanted = names or sorted(set(head) | set(base))
        unknown = [name for name in wanted if name not in head and name not in base]
        if unknown:
            raise KitError([Problem.at(display(os.path.join(root, "stacks")),
                                       f"no stack {', '.join(unknown)} here or at {ref}")])
        kit, by_base_kit = _plans_with_base_kit(kit, [base[name] for name in wanted if name in base], ref, base_root)
        by_base_kit = {name: _read_here(plan, base[name], base_project, base_today) for name, plan in by_base_kit.items()}
        diffs = [StackDiff(name, None, None, (), unchanged=True)
                 if kit is None and (name in untouched or (name in base and name in head and
                                                           same_inputs(base[name], head[name], base_project, project)))
                 else dataclasses.replace(
                     diff_plans(name, by_base_kit[name] if name in by_base_kit else
                                _plan_at(base.get(name), ref, base_project, base_today),
                                plan_stack(head[name], project) if name in head else None),
                     kit_unknown=kit is not None and bool(kit.unavailable))
                 for name in wanted]
    return _held_to_refusals(_with_pooled_quota(diffs, list(head.values()), project), project), kit


def _deployed_at_base(base: Project, stacks: list[Stack]) -> frozenset[tuple[str, str, str, str]]:
    found: set[tuple[str, str, str, str]] = set()
    for stack in stacks:
        try:
            found |= declared_deployments(base.document(stack.manifest_file))
        except KitError:
            continue  # a base that does not load deployed nothing the kit can name
    return frozenset(found)


def _plans_with_base_kit(kit: BaseKit | None, stacks: list[Stack], ref: str,
                         base_root: str) -> tuple[BaseKit | None, dict[str, Plan]]:
    """The base's plans made by the kit it pins (none: planned in process), and that kit
    (saying why it could not be had, if so)."""
    if kit is None:
        return None, {}
    try:
        return kit, plans_with(kit_environment(kit, base_root), stacks, ref, base_root)
    except KitUnavailable as error:
        return dataclasses.replace(kit, unavailable=str(error)), {}


def _held_to_refusals(diffs: list[StackDiff], project: Project) -> list[StackDiff]:
    """What the change itself breaks (an account replaced where the guardrails forbid it, a
    rename passing the quota, the stacks of a subscription together passing a budget): errors
    fail the diff, all of them at once; warnings join the head's."""
    problems = {d.stack: diff_problems(d, project.guardrails) if d.head is not None and d.base is not None else []
                for d in diffs}
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


def _with_pooled_quota(diffs: list[StackDiff], head: list[Stack], project: Project) -> list[StackDiff]:
    """Quota in the summary is the subscription's: every stack of the working tree that deploys
    into it counts, each checked once (a planned one was checked by its plan). One that is not
    valid cannot be counted: the diffs of its subscription say so. Only the subscriptions of
    stacks that were planned are read."""
    planned = {d.stack for d in diffs if d.head is not None}
    subscription = {stack.name: subscription_of(stack) for stack in head}
    subscriptions = {subscription[name] for name in planned}
    manifests, left_out = [], []
    for stack in (s for s in head if subscription[s.name] in subscriptions):
        try:
            manifests.append(stack_manifest(stack, project))
        except KitError as error:
            left_out.append((stack, error))
    uses = shared_use(manifests)

    def pooled(diff: StackDiff) -> StackDiff:
        diff = dataclasses.replace(diff, quotas=tuple(u for u in uses if diff.stack in u.stacks))
        if diff.head is None:
            return diff
        mine = (subscription[diff.stack] or "").lower()  # a stack whose subscription is unknown pools with none
        return dataclasses.replace(diff, head=_with_left_out(diff.head, [(stack, error) for stack, error in left_out
                                                                         if mine and (subscription[stack.name] or "").lower() == mine]))
    return [pooled(d) for d in diffs]


def _with_left_out(plan: Plan, left_out: list[tuple[Stack, KitError]]) -> Plan:
    """The plan with a warning for each stack of its subscription the pooled quota leaves out."""
    warnings = tuple(Problem(Position(stack.manifest_file), "", f"stack {stack.name} is not valid "
                                                               f"({plural(len(error.problems), 'problem')}: run "
                                                               f"foundry-estate validate), so the quota its subscription "
                                                               f"pools leaves it out", "warning")
                     for stack, error in left_out)
    return dataclasses.replace(plan, warnings=plan.warnings + warnings) if warnings else plan


def run(args: argparse.Namespace) -> int:
    diffs, kit = compare(load_project(project_root()), args.base, args.stack)
    _report(diffs, args.base, kit, args.format)
    if args.fail_on_destructive and any(diff.destructive for diff in diffs):
        return EXIT_DESTRUCTIVE
    return EXIT_CHANGES if any(diff.changed for diff in diffs) else EXIT_NO_CHANGES
