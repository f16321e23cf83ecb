"""The cost of `foundry-estate diff` is proportional to what changed.

    python benchmarks/diff_scale.py [--stacks 200] [--rounds 3]

Builds two throw-away git repositories from the example project (its Pulumi.yaml, program,
guardrails and stacks/common.yaml): one with `--stacks` generated stacks (each its own
subscription, account, deployments and hub-less), one with only the first of them. In both,
the same one stack gets the same change (a capacity) in the working tree. Prints the median
wall time of `diff --base HEAD` (all stacks) in each, measured in interleaved rounds, and the
ratio. Goal: the 200-stack diff <= 1.5x the diff of that one stack alone.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
if REPO not in sys.path:
    sys.path.insert(0, REPO)

from foundry_estate.cli.commands.diff import stack_diffs  # noqa: E402
from foundry_estate.project.project import load_project  # noqa: E402
from foundry_estate.cli.diff_report import text  # noqa: E402

GOAL = 1.5
MANIFEST = """version: 1
extends: common.yaml
location: eastus2
tags: {{environment: dev}}
resourceGroup: {{name: rg-bench-{n:03d}, create: true}}
accounts:
  core:
    name: aif-bench-{n:03d}
    deployments:
      grok-4: {{model: {{format: xAI, name: grok-4, version: "1"}}, sku: GlobalStandard, capacity: 20, contentFilter: strict}}
      chat: {{model: {{format: OpenAI, name: gpt-5.1, version: "2025-11-13"}}, sku: GlobalStandard, capacity: 20, contentFilter: standard}}
      phi-4: {{model: {{format: Microsoft, name: Phi-4, version: "7"}}, sku: GlobalStandard, capacity: 1}}
"""
CONFIG = "config:\n  foundry-kit:environment: dev\n  azure-native:location: eastus2\n  azure-native:subscriptionId: 00000000-0000-0000-0000-{n:012d}\n"


def _git(root: str, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=b", "-c", "user.email=b@example.com", *args], cwd=root, check=True,
                   capture_output=True)


def project(root: str, stacks: int) -> str:
    os.makedirs(os.path.join(root, "stacks"))
    os.makedirs(os.path.join(root, "policy"))
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(os.path.join(REPO, name), root)
    shutil.copy(os.path.join(REPO, "policy", "guardrails.yaml"), os.path.join(root, "policy"))
    shutil.copy(os.path.join(REPO, "stacks", "common.yaml"), os.path.join(root, "stacks"))
    for n in range(stacks):
        with open(os.path.join(root, "stacks", f"s{n:03d}.yaml"), "w", encoding="utf-8") as handle:
            handle.write(MANIFEST.format(n=n))
        with open(os.path.join(root, "stacks", f"Pulumi.s{n:03d}.yaml"), "w", encoding="utf-8") as handle:
            handle.write(CONFIG.format(n=n))
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "base")
    path = os.path.join(root, "stacks", "s000.yaml")
    with open(path, encoding="utf-8") as handle:
        content = handle.read()
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(content.replace("capacity: 20, contentFilter: strict", "capacity: 30, contentFilter: strict"))
    return root


def timed_diff(root: str) -> tuple[float, str]:
    before = os.getcwd()
    os.chdir(root)
    try:
        start = time.perf_counter()
        diffs = stack_diffs(load_project(root), "HEAD", None)
        out = io.StringIO()
        text(diffs, "HEAD", out)
        return time.perf_counter() - start, out.getvalue()
    finally:
        os.chdir(before)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stacks", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fk-diff-bench-") as directory:
        many = project(os.path.join(directory, "many"), args.stacks)
        one = project(os.path.join(directory, "one"), 1)
        timed_diff(one)  # warm the imports and caches both share
        times: dict[str, list[float]] = {"many": [], "one": []}
        for _ in range(args.rounds):
            for label, root in (("one", one), ("many", many)):
                seconds, report = timed_diff(root)
                times[label].append(seconds)
        changed = [line for line in report.splitlines() if line.startswith("Stack ") and "not planned" not in line]
        many_s, one_s = statistics.median(times["many"]), statistics.median(times["one"])
        print(f"stacks: {args.stacks}, changed: 1 ({changed[0] if changed else 'none?'})")
        print(f"diff of {args.stacks} stacks, one changed: median {many_s:.2f} s  (rounds: "
              f"{', '.join(f'{t:.2f}' for t in times['many'])})")
        print(f"diff of that one stack alone:      median {one_s:.2f} s  (rounds: "
              f"{', '.join(f'{t:.2f}' for t in times['one'])})")
        ratio = many_s / one_s
        print(f"ratio: {ratio:.2f}x  (goal <= {GOAL}x: {'met' if ratio <= GOAL else 'NOT met'})")
        return 0


if __name__ == "__main__":
    sys.exit(main())
