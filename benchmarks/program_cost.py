"""The program's own cost as `pulumi up` runs it: the SDK's default settings, no kit engine.

    python benchmarks/program_cost.py [--accounts 32] [--deployments 32] [--items 2000] [--rounds 3]

`pulumi preview`/`up` start a fresh Python process for `__main__.py`, with the interpreter's
default garbage-collector settings, and the SDK registers each resource with the engine. This
runs each side in such a fresh process, under the Pulumi SDK's own mocks (`pulumi.runtime.
set_mocks`, not foundry-estate's recording engine), with preview off as in `pulumi up`:

  kit:          foundry_estate.program.main() on a generated manifest (it reads, validates and
                declares it); its first line freezes the collector and raises its thresholds
                (foundry_estate/gc_tuning.py)
  hand, tuned:  benchmarks/handwritten.py registering the same resources with the same inputs,
                from the same file read with yaml.safe_load (libyaml), as a hand-written program
                would, after the same two collector lines
  hand:         the same hand-written program with Python's default collector settings

Like with like is the headline: the median over interleaved rounds of kit / hand-tuned (CPU
time of the program run, process start-up and imports excluded). Goal: <= 1.10. Beside it,
what the collector tuning gains a user: kit / hand (the kit as it ships against a hand-written
program as one is usually written) and hand-tuned / hand (the same two lines alone).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
GOAL = 1.10


class _Mocks:
    def new_resource(self, args):  # type: ignore[no-untyped-def]
        return f"{args.name}_id", args.inputs

    def call(self, args):  # type: ignore[no-untyped-def]
        return {}


def _child(side: str, manifest: str) -> float:
    """One run in this (fresh) process: CPU seconds from the program's start to its last registration."""
    for path in (REPO, HERE):
        sys.path.insert(0, path)
    import pulumi
    import yaml
    from pulumi.runtime.config import set_all_config
    from pulumi.runtime.stack import run_pulumi_func
    from pulumi.runtime.sync_await import _sync_await

    import handwritten
    from foundry_estate.gc_tuning import collect_rarely
    from foundry_estate.program import main

    pulumi.runtime.set_mocks(_Mocks(), project="foundry-kit", stack="bench", preview=False)
    set_all_config({"foundry-kit:manifest": manifest})
    if side == "kit":
        program = main
    else:
        def program() -> None:
            if side == "hand-tuned":
                collect_rarely()  # what main() does first
            with open(manifest, encoding="utf-8") as handle:
                handwritten.program(yaml.load(handle, Loader=yaml.CSafeLoader))
    start = time.process_time()
    _sync_await(run_pulumi_func(program))
    return time.process_time() - start


def _run(side: str, manifest: str) -> float:
    out = subprocess.run([sys.executable, __file__, "--child", side, manifest], check=True, capture_output=True,
                         text=True, cwd=REPO)
    return float(json.loads(out.stdout.strip().splitlines()[-1])["seconds"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=32)
    parser.add_argument("--deployments", type=int, default=32)
    parser.add_argument("--items", type=int, default=2000, help="blocklist items (generate.py's default: 2000)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("SIDE", "MANIFEST"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps({"seconds": _child(*args.child)}))
        return 0
    with tempfile.TemporaryDirectory(prefix="fk-program-bench-") as directory:
        manifest = os.path.join(directory, "bench.yaml")
        subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), manifest, "--accounts", str(args.accounts),
                        "--deployments", str(args.deployments), "--items", str(args.items)], check=True, capture_output=True)
        sides = ("kit", "hand-tuned", "hand")
        times: dict[str, list[float]] = {side: [] for side in sides}
        for turn in range(args.rounds):
            for side in sides[turn % 3:] + sides[:turn % 3]:  # each side goes first in turn
                times[side].append(_run(side, manifest))
        print(f"{args.accounts} accounts x {args.deployments} deployments, {args.rounds} interleaved rounds, each run "
              f"in a fresh process under the SDK's mocks (preview off); CPU seconds of the program run")
        for side in sides:
            print(f"{side:>11}: median {statistics.median(times[side]):.2f} s "
                  f"({', '.join(f'{t:.2f}' for t in times[side])})")

        def ratio(a: str, b: str) -> float:
            return statistics.median(x / y for x, y in zip(times[a], times[b]))

        fair = ratio("kit", "hand-tuned")
        print(f"like with like, kit / hand-tuned (same collector settings): median {fair:.3f}; "
              f"goal <= {GOAL}: {'MET' if fair <= GOAL else 'NOT MET'}")
        print(f"what the tuning gains a user: kit / hand with Python's defaults {ratio('kit', 'hand'):.3f}; "
              f"hand-tuned / hand {ratio('hand-tuned', 'hand'):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
