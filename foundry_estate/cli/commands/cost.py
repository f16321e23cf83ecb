"""`foundry-estate cost [--stack S | --manifest FILE] [--format text|json|markdown]`: each stack's
monthly estimate at list price, line by line, with the source of every price."""

from __future__ import annotations

import argparse
import sys

from foundry_estate.cli.cost_report import REPORTERS
from foundry_estate.preview.plan import plan_stack
from foundry_estate.project.project import project_of
from foundry_estate.project.stacks import select


def add_parser(verbs: argparse._SubParsersAction) -> None:
    parser = verbs.add_parser("cost", help="each stack's monthly estimate at list price, line by line",
                              description="Run the Pulumi program under Pulumi's mock engine (as plan does) and price "
                                          "what it registers: provisioned deployments by the PTU-hour, managed online "
                                          "deployments by the VM hour (730 hours a month), token-priced deployments per "
                                          "million tokens (a monthly figure where the manifest declares `usage`). "
                                          "Prices come from catalog/prices.yaml (and the project's own); a price it does "
                                          "not hold is unknown and left out of the total.")
    parser.add_argument("--stack", action="append", metavar="S", help="this stack (repeatable; default: every stack)")
    parser.add_argument("--manifest", metavar="FILE", help="this manifest (as stack --stack, default its file name)")
    parser.add_argument("--format", choices=sorted(REPORTERS), default="text", help="report format (default: text)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    costs = []
    for stack in select(args.stack, args.manifest):
        cost = plan_stack(stack, project_of(stack)).cost
        assert cost is not None
        costs.append(cost)
    REPORTERS[args.format](costs, sys.stdout)
    return 0
