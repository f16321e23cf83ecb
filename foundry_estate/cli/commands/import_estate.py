"""`foundry-estate import --resource-group RG [--account NAME]... --stack STACK`: read what runs in
Azure and write it as the stack's manifest (`stacks/STACK.yaml`, and `stacks/Pulumi.STACK.yaml`
with `foundry-kit:adopt: true` when absent), then validate it. What the manifest cannot express is
listed on stderr with each resource's id."""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import sys

from foundry_estate.cli import live_options
from foundry_estate.project.stacks import project_root
from foundry_estate.errors import KitError, Problem
from foundry_estate.cli.writing import writable
from foundry_estate.files import write_files
from foundry_estate.guardrails import stack_environment
from foundry_estate.live.estate import read_backs, read_estate
from foundry_estate.catalog.checks import CatalogOptions
from foundry_estate.manifest.adopted import running_deployments, snapshot_path, snapshot_text
from foundry_estate.live.to_manifest import to_manifest
from foundry_estate.manifest import writer
from foundry_estate.manifest.loader import load, load_stack_config
from foundry_estate.project.stacks import ADOPT_KEY, STACK_DIR, SUBSCRIPTION_KEY, Stack, display, program_config
from foundry_estate.manifest.document import Document
from foundry_estate.project.project import Project, resolve
from foundry_estate.validate import Validated, guarded, validate
from foundry_estate.words import plural

STACK_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")  # what Pulumi accepts as a stack name


def add_parser(verbs: argparse._SubParsersAction) -> None:
    parser = verbs.add_parser("import", help="write a stack's manifest from what already runs in Azure",
                              description="Read the Foundry accounts of a resource group (or the named ones) with their "
                                          "deployments, content filters, blocklists and projects, and write "
                                          "stacks/STACK.yaml in the manifest's vocabulary (and stacks/Pulumi.STACK.yaml, "
                                          f"with {ADOPT_KEY}: true, when absent). What the manifest cannot express is "
                                          "listed on stderr. Needs the extra 'live'.")
    parser.add_argument("--resource-group", required=True, metavar="RG", help="the resource group to read")
    parser.add_argument("--account", action="append", default=[], metavar="NAME",
                        help="import only this account (repeatable; default: every account of the group)")
    parser.add_argument("--stack", required=True, metavar="STACK", help="the stack to write")
    parser.add_argument("--force", action="store_true", help="overwrite an existing stacks/STACK.yaml")
    live_options.add(parser, f"the subscription to read (default: {SUBSCRIPTION_KEY} of the stack's config)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not STACK_NAME.match(args.stack):
        raise KitError([Problem.at(".", f"--stack {args.stack}: a stack name is letters, digits, '_', '.' or '-'")])
    root = writable(project_root())
    project = resolve(root)
    manifest = os.path.join(root, STACK_DIR, f"{args.stack}.yaml")
    config = os.path.join(root, STACK_DIR, f"Pulumi.{args.stack}.yaml")
    replacing = os.path.exists(manifest)
    if replacing and not args.force:
        raise KitError([Problem.at(display(manifest), "exists: import writes a new manifest; pass --force to replace it "
                                                      "(review the difference with git diff)")])
    stack = Stack(args.stack, display(config) if os.path.exists(config) else "", display(manifest))
    azure = live_options.connect(args, stack)
    estate = read_estate(azure, args.resource_group, args.account)
    imported = to_manifest(estate)
    header = (f"Imported by `foundry-estate import` from resource group {estate.resource_group} "
              f"(subscription {estate.subscription}).\nReview it; what it could not express was listed on stderr.")
    snapshot, read = snapshot_path(manifest), read_backs(estate)
    files = {os.path.relpath(manifest, root): writer.manifest_text(imported.data, header),
             os.path.relpath(snapshot, root): snapshot_text(read, f"resource group {estate.resource_group}")}
    if not os.path.exists(config):
        settings = {SUBSCRIPTION_KEY: estate.subscription, ADOPT_KEY: True}
        if "location" in imported.data:
            settings = {"azure-native:location": imported.data["location"], **settings}
        files[os.path.relpath(config, root)] = writer.stack_config_text(settings, (
            f"Pulumi config of stack {args.stack}, written by `foundry-estate import`.\n"
            f"{ADOPT_KEY}: the first `pulumi up` imports the existing resources instead of creating them;\n"
            "remove it after that `pulumi up` (README, Adopting an existing estate)."))
    document = load(display(manifest), files[os.path.relpath(manifest, root)], root=project.confinement(manifest))
    validated = _validated(document, project, running_deployments(read))
    if isinstance(validated, KitError) and replacing:  # the manifest in place stays until the imported one is valid
        raise KitError([*validated.problems, Problem.at(display(manifest), "the imported manifest is not valid (the "
                                                      "problems that follow): the manifest in place was left as it was")])
    write_files(root, files, replace=True)  # a manifest in place was refused above without --force
    print(f"wrote {display(manifest)}: {_counts(imported.data)}")
    print(f"wrote {display(snapshot)}: what Azure holds, as pulumi-azure-native reads it back (plan compares with it)")
    if os.path.relpath(config, root) in files:
        print(f"wrote {display(config)} ({ADOPT_KEY}: true)")
    elif load_stack_config(config).get(ADOPT_KEY) is not True:
        print(f"{display(config)} exists and is left alone: add `{ADOPT_KEY}: true` under config before the first "
              "`pulumi up`, so that Pulumi imports the existing resources instead of creating them", file=sys.stderr)
    for note in imported.notes:
        print(f"not expressed in the manifest: {note}", file=sys.stderr)
    if isinstance(validated, KitError):
        raise validated  # written for the user to mend (nothing was in its place)
    _guardrails(Stack(args.stack, display(config), display(manifest)), document, validated, project)
    print(f"next: foundry-estate plan --stack {args.stack} (what the first `pulumi up` imports, and what it then updates)")
    return 0


def _validated(document: Document, project: Project, running: frozenset[tuple[str, str, str, str]]) -> Validated | KitError:
    """The schema, cross-checks and catalog on the manifest about to be written, or its problems
    (validated once: the guardrails then take the same document). A retired model one of the
    `running` deployments already runs is adopted with a warning."""
    try:
        return validate(document, dataclasses.replace(project.options(), running=running))
    except KitError as error:
        return error


def _counts(data: dict) -> str:
    accounts = data.get("accounts", {})
    deployments = sum(len(a.get("deployments", {})) for a in accounts.values())
    projects = sum(len(a.get("projects", {})) for a in accounts.values())
    return ", ".join((plural(len(accounts), "account"), plural(deployments, "deployment"),
                      plural(len(data.get("contentFilters", {})), "content filter"),
                      plural(len(data.get("blocklists", {})), "blocklist"), plural(projects, "project")))


def _guardrails(stack: Stack, document: Document, validated: Validated, project: Project) -> None:
    """The estate held to the stack's guardrails: what it breaks is reported, not refused (it is
    what Azure has); `plan` and `pulumi up` refuse it until the manifest or the guardrails change."""
    environment = stack_environment(stack.name, program_config(stack))
    try:
        held = guarded(document, validated, environment, project.guardrails, project.prices)
    except KitError as error:
        print(f"the estate breaks guardrails of environment {environment} (policy/guardrails.yaml); plan and "
              "`pulumi up` refuse it until the manifest or the guardrails change:", file=sys.stderr)
        print(error, file=sys.stderr)
        return
    for warning in held.warnings:
        print(warning, file=sys.stderr)
