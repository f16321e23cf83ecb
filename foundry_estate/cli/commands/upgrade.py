"""`foundry-estate upgrade [--dry-run]`: the installed kit's templates, taken into the project."""

from __future__ import annotations

import argparse
import sys

from foundry_estate.cli.writing import writable
from foundry_estate.project.stacks import project_root
from foundry_estate.repository.upgrade import NEW_SUFFIX, UNCHANGED, upgrade


def add_parser(verbs: argparse._SubParsersAction) -> None:
    parser = verbs.add_parser("upgrade", help="take the installed kit's templates (workflows, Makefile, policy pack, "
                                              "schemas, constraints) into the project",
                              description="Bring the files `init` wrote to the installed kit's versions: a file you "
                                          "never changed is replaced, yours is merged with the kit's changes where "
                                          "they do not overlap, else kept with the kit's version beside it "
                                          f"(FILE{NEW_SUFFIX}). Your stacks are never touched.")
    parser.add_argument("--dry-run", action="store_true", help="say what would change; write nothing")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    old, new, outcomes = upgrade(writable(project_root()), dry_run=args.dry_run)
    changed = [outcome for outcome in outcomes if outcome.action not in UNCHANGED]
    origin = f"foundry-estate {old.version}" if old else "files without a record of what init wrote"
    verb = "would take" if args.dry_run else "took"
    print(f"{verb} foundry-estate {new.version}'s templates (from {origin}): "
          f"{len(changed)} of {len(outcomes)} files changed")
    for outcome in changed:
        print(f"  {outcome.path}: {outcome.message()}")
    by_hand = [outcome.path for outcome in outcomes if outcome.needs_hand]
    if by_hand:
        print(f"merge by hand: {', '.join(by_hand)} (the kit's version beside each, as {NEW_SUFFIX})", file=sys.stderr)
    if not args.dry_run and changed:
        print("next: make install (requirements.txt and constraints.txt pin the new kit), review, commit")
    return 0
