"""`foundry-estate drift --stack STACK [--format text|markdown|json]`: the live estate against the
stack's manifest, in the diff's plain language. Exit 0 no drift, 2 drift, 1 user error."""

from __future__ import annotations

import argparse
import sys

from foundry_estate.cli import live_options
from foundry_estate.project.stacks import select
from foundry_estate.cli.drift_report import REPORTERS
from foundry_estate.live.drift import AZURE_ONLY, Drift, DriftReport, drift
from foundry_estate.live.estate import read_accounts
from foundry_estate.errors import KitError, Problem
from foundry_estate.preview.plan import Plan, plan_stack
from foundry_estate.project.stacks import SUBSCRIPTION_KEY

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
    plan = plan_stack(stack)
    azure = live_options.connect(args, stack)
    group = _group(plan)
    wanted = {r.azure_name for r in plan.resources if r.type == "azure-native:cognitiveservices:Account"}
    listed = azure.accounts(group)
    estate = read_accounts(azure, group, [a for a in listed if a.get("name") in wanted])
    report = drift(plan, estate)  # the stack planned once: Azure is read back, not run through the program
    others = [Drift(AZURE_ONLY, f"{plan.stack} · account {a.get('name')}", "exists in the resource group, not in the "
                    "manifest (made by hand?)", str(a.get("id", ""))) for a in listed if a.get("name") not in wanted]
    if others:
        report = DriftReport(report.stack, report.subscription, report.resource_group, report.drifts + tuple(others),
                             report.notes)
    REPORTERS[args.format](report, sys.stdout)
    return EXIT_DRIFT if report.drifts else 0


def _group(plan: Plan) -> str:
    for resource in plan.resources:
        name = resource.inputs.get("resourceGroupName")
        if resource.type == "azure-native:cognitiveservices:Account" and isinstance(name, str):
            return name
    raise KitError([Problem.at(plan.manifest, "declares no Foundry account: nothing to compare with Azure")])
