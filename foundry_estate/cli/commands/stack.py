"""`foundry-estate stack list` (the stacks in deploy order, for the workflows' matrices) and
`foundry-estate stack new NAME [--from STACK] [--environment ENV] [--order N]` (a stack that
collides with none, deployed after the others)."""

from __future__ import annotations

import argparse
import json
import sys

from foundry_estate.project.stacks import project_root
from foundry_estate.cli.report import REPORTERS, FileResult
from foundry_estate.guardrails.environment import stack_environment
from foundry_estate.project.environment import environment_of
from foundry_estate.manifest.loader import load_stack_config
from foundry_estate.repository.new_stack import create
from foundry_estate.project.stacks import deploy_order, discover
from foundry_estate.project.project import resolve
from foundry_estate.errors import KitError, one_line
from foundry_estate.words import inert_json
from foundry_estate.cli.writing import writable


def add_parser(verbs: argparse._SubParsersAction) -> None:
    parser = verbs.add_parser("stack", help="list the stacks, or add one",
                              description="The project's stacks: every stacks/Pulumi.<stack>.yaml.")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="the stacks in deploy order (foundry-kit:deployOrder), with their environment")
    listing.add_argument("--format", choices=("text", "json"), default="text",
                         help="json: [{stack, environment}], the workflows' matrix (default: text)")
    listing.set_defaults(run=run_list)
    new = actions.add_parser("new", help="add a stack: its manifest and Pulumi config, with names no stack uses",
                             description="Copy a stack's manifest and Pulumi config into stacks/NAME.yaml and "
                                         "stacks/Pulumi.NAME.yaml, renaming its Azure names so that none collides "
                                         "with another stack's, then validate it.")
    new.add_argument("name", metavar="NAME", help="the new stack")
    new.add_argument("--from", dest="source", metavar="STACK", help="the stack to copy (default: dev, else the first)")
    new.add_argument("--environment", metavar="ENV", help="its guardrails environment (default: the copied stack's)")
    new.add_argument("--order", type=int, metavar="N", help="its foundry-kit:deployOrder (default: after every other stack)")
    new.set_defaults(run=run_new)


def run_list(args: argparse.Namespace) -> int:
    stacks = [{"stack": stack.name,
               "environment": stack_environment(stack.name, load_stack_config(stack.config_file))}
              for stack in deploy_order(discover(project_root()))]
    if args.format == "json":  # the workflows' matrix, printed to their logs: no runner command in it
        print(inert_json(json.dumps(stacks, separators=(",", ":"))))
    else:
        for entry in stacks:
            print(one_line(f"{entry['stack']}\t{entry['environment']}"))
    return 0


def run_new(args: argparse.Namespace) -> int:
    project = resolve(project_root())
    manifest, config = create(writable(project_root()), args.name, args.source, args.environment, args.order)
    print(f"wrote {manifest} and {config}")
    try:
        result = FileResult(manifest, list(project.validated(manifest, environment_of(manifest, project=project)).warnings))
    except KitError as error:
        result = FileResult(manifest, list(error.problems))
    REPORTERS["text"]([result], sys.stdout)
    return 0 if result.valid else 1
