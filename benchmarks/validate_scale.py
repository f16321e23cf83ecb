"""Validation at scale, as a ratio to PyYAML's C loader parsing the same YAML (goal: <= 2x).

    python benchmarks/validate_scale.py            # 16,000 deployments in one file; 500 stacks x 32
    python benchmarks/validate_scale.py --quick    # 1/8 of each, while iterating
    python benchmarks/validate_scale.py --profile  # also print the 25 costliest functions (cProfile)

Both shapes are valid manifests from benchmarks/generate.py, spread over eight regions (Azure
allows 100 accounts per region per subscription). One file: 500 accounts x 32 deployments
(Azure allows 32 per account). A project: 500 stacks of one account x 32 deployments each,
100 stacks per subscription, validated as `foundry-estate validate` with no arguments validates
them (every manifest, then the checks across the stacks of each subscription). Each time is the
best of --rounds runs, measured in this one process, parse and validate interleaved.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from typing import Callable

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate  # noqa: E402  (benchmarks/generate.py)

from foundry_estate.cli import main as cli  # noqa: E402

REGIONS = [("eastus2", "eus2"), ("swedencentral", "swc"), ("westus3", "wus3"), ("francecentral", "frc"),
           ("eastus", "eus"), ("westeurope", "weu"), ("northcentralus", "ncus"), ("uksouth", "uks")]
SUBSCRIPTIONS = 5
GUARDRAILS = """version: 1
environments: {dev: the benchmark's stacks}
rules:
  deployment-max-capacity: {description: Capacity within budget., level: mandatory, parameters: {max: 300}}
  account-diagnostics: {description: Logs go somewhere., level: mandatory}
  account-protected: {description: Protected., level: advisory}
"""


def one_file(directory: str, accounts: int) -> list[str]:
    path = os.path.join(directory, "big.yaml")
    generate.write(path, generate.Shape(accounts=accounts, deployments=32, items=200))
    return [path]


def project(directory: str, stacks: int) -> list[str]:
    with open(os.path.join(directory, "Pulumi.yaml"), "w", encoding="utf-8") as handle:
        handle.write("name: bench\nruntime: python\n")
    os.makedirs(os.path.join(directory, "policy"))
    with open(os.path.join(directory, "policy", "guardrails.yaml"), "w", encoding="utf-8") as handle:
        handle.write(GUARDRAILS)
    os.makedirs(os.path.join(directory, "stacks"))
    files = []
    for index in range(stacks):
        data = generate.manifest(generate.Shape(accounts=1, deployments=32, items=20))
        region, short = REGIONS[index % len(REGIONS)]
        account = data["accounts"]["acct-00"]
        account["name"] = f"aif-contoso-{short}-s{index:03d}"
        account["location"] = region
        for quota in data["quotas"]:  # budgets for the whole subscription: its stacks add up
            quota["location"] = region
            quota["limit"] *= stacks
        name = f"s{index:03d}"
        path = os.path.join(directory, "stacks", f"{name}.yaml")
        with open(path, "w", encoding="utf-8") as handle:
            yaml.safe_dump(data, handle, sort_keys=False, width=120)
        subscription = f"{index % SUBSCRIPTIONS:08d}-0000-0000-0000-000000000000"
        with open(os.path.join(directory, "stacks", f"Pulumi.{name}.yaml"), "w", encoding="utf-8") as handle:
            handle.write(f"config:\n  azure-native:subscriptionId: {subscription}\n  foundry-kit:environment: dev\n")
        files.append(path)
    return files


def parse(files: list[str]) -> None:
    for path in files:
        with open(path, encoding="utf-8") as handle:
            yaml.load(handle.read(), Loader=yaml.CSafeLoader)


def validate(argv: list[str]) -> Callable[[], None]:
    def run() -> None:
        with contextlib.redirect_stdout(io.StringIO()) as out:
            code = cli.main(["validate", *argv])
        if code != 0:
            raise SystemExit(f"validate failed:\n{out.getvalue()[-3000:]}")
    return run


def best(function: Callable[[], None], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(label: str, files: list[str], run: Callable[[], None], rounds: int, profile: bool) -> float:
    run()  # warm: data files, schemas and the catalog are read once per process
    parsed, validated = [], []
    for _ in range(rounds):
        parsed.append(best(lambda: parse(files), 1))
        validated.append(best(run, 1))
    ratio = min(validated) / min(parsed)
    size = sum(os.path.getsize(path) for path in files) / 2**20
    print(f"{label}: {len(files)} file(s), {size:.1f} MiB; C loader parse {min(parsed):.2f} s, "
          f"validate {min(validated):.2f} s, ratio {ratio:.2f} (goal <= 2)")
    if profile:
        profiler = cProfile.Profile()
        profiler.runcall(run)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1/8 of each scale")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    scale = 8 if args.quick else 1
    generate.REGIONS = REGIONS  # 500 accounts over eight regions: within Azure's 100 per region
    os.environ.setdefault("FOUNDRY_KIT_TODAY", "2026-11-28")
    with tempfile.TemporaryDirectory() as directory:
        files = one_file(directory, 500 // scale)
        measure(f"one file, {500 // scale * 32:,} deployments", files, validate(files), args.rounds, args.profile)
    with tempfile.TemporaryDirectory() as directory:
        files = project(directory, 500 // scale)
        here = os.getcwd()
        os.chdir(directory)
        try:
            measure(f"{500 // scale} stacks x 32 deployments", files, validate([]), args.rounds, args.profile)
        finally:
            os.chdir(here)


if __name__ == "__main__":
    main()
