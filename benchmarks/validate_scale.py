"""Validation at scale, as a ratio to PyYAML's C loader parsing the same YAML (goal: <= 2x).

    python benchmarks/validate_scale.py            # 16,000 deployments in one file; 500 stacks x 32
    python benchmarks/validate_scale.py --quick    # 1/8 of each, while iterating
    python benchmarks/validate_scale.py --profile  # also print the 25 costliest functions (cProfile)

Like with like: the parse runs with the collector settings every `foundry-estate` command runs
with (foundry_estate/gc_tuning.py: freeze, then collect rarely), in the same process as the
kit's validate and, for the one file, as whole processes too (`foundry-estate validate big.yaml`
against `python -c` parsing it; start-up, imports and exit included, CPU time of each process
from the kernel's accounting). The whole-process ratio is the headline; beside it the parse
with Python's default settings, which is what the tuning gains a user.

Both shapes are valid manifests from benchmarks/generate.py, spread over eight regions (Azure
allows 100 accounts per region per subscription). One file: 500 accounts x 32 deployments
(Azure allows 32 per account). A project: 500 stacks of one account x 32 deployments each,
100 stacks per subscription, validated as `foundry-estate validate` with no arguments validates
them (every manifest, then the checks across the stacks of each subscription). Each time is the
best of --rounds runs (CPU time), measured in this one process, parse and validate interleaved.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Callable

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate  # noqa: E402  (benchmarks/generate.py)

from foundry_estate.cli import main as cli  # noqa: E402
from foundry_estate.gc_tuning import fewer_collections  # noqa: E402

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
    """PyYAML's C loader on every file, with the collector settings the kit's commands use."""
    with fewer_collections():
        parse_default(files)


def parse_default(files: list[str]) -> None:
    for path in files:
        with open(path, encoding="utf-8") as handle:
            yaml.load(handle.read(), Loader=yaml.CSafeLoader)


PARSE = """import sys, yaml
if sys.argv[1] == "tuned":
    from foundry_estate.gc_tuning import collect_rarely
    collect_rarely()
with open(sys.argv[2], encoding="utf-8") as handle:
    yaml.load(handle.read(), Loader=yaml.CSafeLoader)
"""


def process_cpu(command: list[str]) -> float:
    """CPU seconds (user + system) of one process running `command`, from start to exit."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command} failed:\n{process.stderr.read().decode()[-3000:] if process.stderr else ''}")
    return usage.ru_utime + usage.ru_stime


def measure_processes(label: str, path: str, rounds: int) -> float:
    """`foundry-estate validate FILE` and the C parse of FILE, each as whole processes, interleaved."""
    kit = [os.path.join(os.path.dirname(sys.executable), "foundry-estate"), "validate", path]
    tuned, default = ([sys.executable, "-c", PARSE, settings, path] for settings in ("tuned", "default"))
    process_cpu(kit)  # warm: the schema's compiled validator is cached, files are in memory
    times: dict[str, list[float]] = {"kit": [], "tuned": [], "default": []}
    for turn in range(rounds):
        order = [("kit", kit), ("tuned", tuned), ("default", default)]
        for side, command in order[turn % 3:] + order[:turn % 3]:
            times[side].append(process_cpu(command))
    ratios = [k / t for k, t in zip(times["kit"], times["tuned"])]
    ratio = statistics.median(ratios)
    gain = statistics.median(k / d for k, d in zip(times["kit"], times["default"]))
    print(f"{label}, whole processes: validate {statistics.median(times['kit']):.2f} s cpu, C loader parse "
          f"{statistics.median(times['tuned']):.2f} s (same collector settings), ratio {ratio:.2f} (goal <= 2; per round "
          f"{', '.join(f'{r:.2f}' for r in ratios)}); against a parse with Python's defaults "
          f"({statistics.median(times['default']):.2f} s) {gain:.2f}")
    return ratio


def validate(argv: list[str]) -> Callable[[], None]:
    def run() -> None:
        with contextlib.redirect_stdout(io.StringIO()) as out:
            code = cli.main(["validate", *argv])
        if code != 0:
            raise SystemExit(f"validate failed:\n{out.getvalue()[-3000:]}")
    return run


def best(function: Callable[[], None], rounds: int) -> float:
    """The least CPU time of `rounds` runs (CPU, not wall: the machine may be shared)."""
    times = []
    for _ in range(rounds):
        start = time.process_time()
        function()
        times.append(time.process_time() - start)
    return min(times)


def measure(label: str, files: list[str], run: Callable[[], None], rounds: int, profile: bool) -> float:
    run()  # warm: data files, schemas and the catalog are read once per process
    parsed, validated = [], []
    for _ in range(rounds):
        parsed.append(best(lambda: parse(files), 1))
        validated.append(best(run, 1))
    ratio = min(validated) / min(parsed)
    size = sum(os.path.getsize(path) for path in files) / 2**20
    print(f"{label}, in one process: {len(files)} file(s), {size:.1f} MiB; C loader parse {min(parsed):.2f} s "
          f"(same collector settings), validate {min(validated):.2f} s, ratio {ratio:.2f} (goal <= 2)")
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
        label = f"one file, {500 // scale * 32:,} deployments"
        measure_processes(label, files[0], args.rounds)
        measure(label, files, validate(files), args.rounds, args.profile)
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
