"""`foundry-kit plan [--stack S | --manifest FILE]`: what `pulumi up` would create, offline."""

from __future__ import annotations

import argparse
import os
import sys

from foundry_kit.errors import KitError, Problem
from foundry_kit.preview.plan import plan_stack
from foundry_kit.cli.plan_report import REPORTERS
from foundry_kit.project.stacks import Stack, discover, display, find_root


def add_parser(verbs: argparse._SubParsersAction) -> None:
    parser = verbs.add_parser("plan", help="show what pulumi up would create, offline (mock engine)",
                              description="Run the Pulumi program under Pulumi's mock engine and show every resource "
                                          "it would create (default: every stack in stacks/). No cloud access, "
                                          "no Pulumi CLI.")
    parser.add_argument("--stack", action="append", metavar="S", help="plan this stack (repeatable)")
    parser.add_argument("--manifest", metavar="FILE", help="plan this manifest (as stack --stack, default its file name)")
    parser.add_argument("--format", choices=sorted(REPORTERS), default="text", help="report format (default: text)")
    parser.set_defaults(run=run)


def project_root() -> str:
    root = find_root()
    if root is None:
        raise KitError([Problem.at(".", "no Pulumi.yaml here or above: run in the project")])
    return root


def select(names: list[str] | None, manifest: str | None) -> list[Stack]:
    """The stacks asked for, by name or as a bare manifest file."""
    if manifest:
        name = names[0] if names else os.path.splitext(os.path.basename(manifest))[0]
        return [Stack(name, "", manifest)]
    root = project_root()
    stacks = discover(root)
    if not names:
        return stacks
    known = {stack.name: stack for stack in stacks}
    missing = [name for name in names if name not in known]
    if missing:
        raise KitError([Problem.at(display(os.path.join(root, "stacks")),
                                   f"no stack {', '.join(missing)}: stacks are {', '.join(known) or 'none'}")])
    return [known[name] for name in names]


def run(args: argparse.Namespace) -> int:
    plans = [plan_stack(stack) for stack in select(args.stack, args.manifest)]
    REPORTERS[args.format](plans, sys.stdout)
    return 0
