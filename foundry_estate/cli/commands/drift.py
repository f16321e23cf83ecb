"""`foundry-estate drift --stack STACK [--format text|markdown|json]`: the live estate against the
stack's manifest, in the diff's plain language. Exit 0 no drift, 2 drift, 1 user error."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from foundry_estate.cli import live_options
from foundry_estate.cli.drift_report import REPORTERS
from foundry_estate.live.drift import AZURE_ONLY, Drift, DriftReport, drift
from foundry_estate.live.client import AzureLists
from foundry_estate.live.estate import LiveEstate, read_accounts
from foundry_estate.errors import KitError, Problem
from foundry_estate.preview.plan import plan_stack
from foundry_estate.project.project import project_of
from foundry_estate.project.stacks import SUBSCRIPTION_KEY, select

EXIT_DRIFT = 2


def add_parser(verbs: argparse._SubParsersAction) -> None:
    parser = verbs.add_parser("drift", help="compare what runs in Azure with a stack's manifest",
                              description="Read the stack's accounts in Azure (deployments, content filters, blocklists, "
                                          "projects) and say, in the diff's words, what differs from the manifest: "
                                          "capacity, SKU, model version, filter levels, blocklist terms, and what exists "
                                          "on one side only. Exit 0 no drift, 2 drift, 1 user error. Needs the extra "
                                          "'live'.")
    parser.add_argument("--stack", required=True, metavar="STACK", help="the stack to compare")
    parser.add_argument("--format", choices=sorted(REPORTERS), default="text", help="report format (default: text)")
    live_options.add(parser, f"the subscription to read (default: {SUBSCRIPTION_KEY} of the stack's config)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    stack = select([args.stack], None)[0]
    project = project_of(stack)
    declared = project.validated(stack.manifest_file).manifest
    if not declared.accounts:
        raise KitError([Problem.at(stack.manifest_file, "declares no Foundry account: nothing to compare with Azure")])
    azure = live_options.connect(args, stack)
    group, wanted = declared.resource_group.name, {account.name for account in declared.accounts}
    reading = azure.later(lambda: _read(azure, group, wanted))  # Azure is read while the stack is planned
    plan = plan_stack(stack, project)
    listed, estate = reading()
    report = drift(plan, estate)  # the stack planned once: Azure is read back, not run through the program
    others = [Drift(AZURE_ONLY, f"{plan.stack} · account {a.get('name')}", "exists in the resource group, not in the "
                    "manifest (made by hand?)", str(a.get("id", ""))) for a in listed if a.get("name") not in wanted]
    if others:
        report = DriftReport(report.stack, report.subscription, report.resource_group, report.drifts + tuple(others),
                             report.notes)
    REPORTERS[args.format](report, sys.stdout)
    return EXIT_DRIFT if report.drifts else 0


def _read(azure: AzureLists, group: str, wanted: set[str]) -> tuple[list[dict[str, Any]], LiveEstate]:
    """The accounts of the group, and the stack's ones with what is under them."""
    listed = azure.accounts(group)
    return listed, read_accounts(azure, group, [a for a in listed if a.get("name") in wanted])
