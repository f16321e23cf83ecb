"""`foundry-estate init [DIR] [--project NAME]`: a new Pulumi project that uses the installed kit."""

from __future__ import annotations

import argparse
import os

from foundry_estate.cli.writing import writable
from foundry_estate.repository.scaffold import init


def add_parser(verbs: argparse._SubParsersAction) -> None:
    parser = verbs.add_parser("init", help="write a new Pulumi project that uses this kit",
                              description="Write a Pulumi project (Pulumi.yaml, __main__.py, requirements.txt, "
                                          "stacks/dev.yaml, policy/, .github/workflows/, Makefile, README.md) into DIR. "
                                          "Overwrites nothing.")
    parser.add_argument("directory", nargs="?", default=".", metavar="DIR", help="where (default: here; created if missing)")
    parser.add_argument("--project", metavar="NAME", help="the Pulumi project name (default: the directory's name)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    written = init(writable(args.directory), args.project)
    where = os.path.relpath(args.directory)
    print(f"wrote {len(written)} files into {where}: {', '.join(written)}")
    print(f"next: cd {where} && make plan    (then: git init, commit, push; see README.md)")
    return 0
