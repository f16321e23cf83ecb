"""`foundry-estate quota [FILE...]`: the capacity the stacks request per subscription, location,
SKU and model, against their budgets (exit 1 when stacks together pass one), or (`--live`)
against the quota Azure reports for the subscription."""

from __future__ import annotations

import argparse
from functools import partial
import os
import sys

from foundry_estate.cli import live_options
from foundry_estate.azure.lists import parse_models, parse_usages
from foundry_estate.errors import KitError, Problem
from foundry_estate.repository.shared_checks import shared_account_problems
from foundry_estate.project.project import resolve
from foundry_estate.repository.manifests import stack_manifests
from foundry_estate.validate.quota import SharedUse, live_pools, shared_problems, shared_use
from foundry_estate.cli.quota_report import LIVE_REPORTERS, REPORTERS
from foundry_estate.project.stacks import Stack, discover, find_root
from foundry_estate.project.stacks import select


def add_parser(verbs: argparse._SubParsersAction) -> None:
    parser = verbs.add_parser("quota", help="capacity the stacks request per subscription, against budgets or Azure's quota",
                              description="Add up the capacity every stack requests per subscription (its Pulumi config's "
                                          "azure-native:subscriptionId), location, SKU and model, and show the budget of "
                                          "`quotas` (the smallest, where stacks differ) and the headroom. Exit 1 when "
                                          "the stacks of a subscription together pass a budget. With --live, compare "
                                          "with the quota Azure reports (needs the extra 'live').")
    parser.add_argument("files", nargs="*", metavar="FILE", help="manifests (default: the manifest of every stack in stacks/)")
    parser.add_argument("--format", choices=sorted(REPORTERS), default="text", help="report format (default: text)")
    parser.add_argument("--live", action="store_true", help="compare with Azure's usages list (limit - current value)")
    live_options.add(parser, "with --live: the subscription to read (default: the one the stacks' "
                             "azure-native:subscriptionId names)")
    parser.set_defaults(run=run)


def stacks_of(files: list[str]) -> list[Stack]:
    """The stacks asked for: a FILE that is a stack's manifest is that stack, any other a stack of its own."""
    if not files:
        return select(None, None)
    root = find_root()
    known = {os.path.realpath(stack.manifest_file): stack for stack in (discover(root) if root else [])}
    return [known.get(os.path.realpath(path)) or select(None, path)[0] for path in files]


def run(args: argparse.Namespace) -> int:
    stacks = stack_manifests(stacks_of(args.files), resolve())
    uses = shared_use(stacks)
    if args.live or args.subscription:
        return run_live(args, uses)
    problems = [problem for _stack, problem in [*shared_problems(uses), *shared_account_problems(stacks)]]
    REPORTERS[args.format](uses, problems, sys.stdout)
    if problems:
        raise KitError(problems)
    return 0


def run_live(args: argparse.Namespace, uses: list[SharedUse]) -> int:
    if not args.live:
        raise KitError([Problem.at(".", "--subscription reads Azure's quota of that subscription: add --live")])
    if not args.subscription:  # the one subscription the stacks' Pulumi config names
        known = sorted({use.subscription for use in uses if use.subscription})
        if len(known) != 1:
            said = f"the stacks deploy to {', '.join(known)}" if known else \
                "no stack sets azure-native:subscriptionId in stacks/Pulumi.<stack>.yaml"
            raise KitError([Problem.at(".", f"--live reads one subscription's quota: give --subscription ID ({said})")])
        args.subscription = known[0]
    wanted = args.subscription.lower()
    uses = [use for use in uses if use.subscription is None or use.subscription.lower() == wanted]
    stacks = sorted({stack for use in uses for stack in use.stacks})
    if not stacks:
        raise KitError([Problem.at(".", f"no stack deploys to subscription {args.subscription} "
                                        f"(azure-native:subscriptionId in stacks/Pulumi.<stack>.yaml)")])
    azure = live_options.connect(args)
    locations = sorted({use.key[0] for use in uses if use.contributors})
    listed = azure.parallel([partial(read, location) for location in locations for read in (azure.models, azure.usages)])
    models = {location: parse_models(found) for location, found in zip(locations, listed[0::2])}
    usages = {location: parse_usages(found) for location, found in zip(locations, listed[1::2])}
    LIVE_REPORTERS[args.format](args.subscription, stacks, live_pools(uses, models, usages), sys.stdout)
    return 0
