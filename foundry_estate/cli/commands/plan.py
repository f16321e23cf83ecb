"""`foundry-estate plan [--stack S | --manifest FILE]`: what `pulumi up` would create, offline."""

from __future__ import annotations

import argparse
import sys

from foundry_estate.preview.plan import plan_stack
from foundry_estate.cli.plan_report import REPORTERS
from foundry_estate.project.project import project_of
from foundry_estate.project.stacks import select


def add_parser(verbs: argparse._SubParsersAction) -> None:
    parser = verbs.add_parser("plan", help="show what pulumi up would create, offline (mock engine)",
                              description="Run the Pulumi program under Pulumi's mock engine and show every resource "
                                          "it would create (default: every stack in stacks/). No cloud access, "
                                          "no Pulumi CLI.")
    parser.add_argument("--stack", action="append", metavar="S", help="plan this stack (repeatable)")
    parser.add_argument("--manifest", metavar="FILE", help="plan this manifest (as stack --stack, default its file name)")
    parser.add_argument("--format", choices=sorted(REPORTERS), default="text", help="report format (default: text)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    plans = [plan_stack(stack, project_of(stack)) for stack in select(args.stack, args.manifest)]
    REPORTERS[args.format](plans, sys.stdout)
    return 0
