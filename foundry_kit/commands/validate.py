"""`foundry-kit validate [FILE...]`: every problem of every manifest, at once."""

from __future__ import annotations

import argparse
import sys

from ..errors import KitError, Problem
from ..report import REPORTERS, FileResult
from ..stacks import discover, find_root
from ..validate import load_manifest


def add_parser(verbs: argparse._SubParsersAction) -> None:
    parser = verbs.add_parser("validate", help="check manifests against the schema and the kit's rules",
                              description="Check manifests (default: the manifest of every stack in stacks/).")
    parser.add_argument("files", nargs="*", metavar="FILE", help="manifests to check")
    parser.add_argument("--format", choices=sorted(REPORTERS), default="text", help="report format (default: text)")
    parser.set_defaults(run=run)


def manifests(files: list[str]) -> list[str]:
    if files:
        return files
    root = find_root()
    if root is None:
        raise KitError([Problem.at(".", "no Pulumi.yaml here or above: name the manifests to check")])
    found = [stack.manifest_file for stack in discover(root)]
    if not found:
        raise KitError([Problem.at(root, "no stacks/Pulumi.<stack>.yaml: name the manifests to check")])
    return found


def check(path: str) -> FileResult:
    try:
        return FileResult(path, list(load_manifest(path).warnings))
    except KitError as error:
        return FileResult(path, list(error.problems))


def run(args: argparse.Namespace) -> int:
    results = [check(path) for path in manifests(args.files)]
    REPORTERS[args.format](results, sys.stdout)
    return 0 if all(result.valid for result in results) else 1
