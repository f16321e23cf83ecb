"""How fast the CLI answers, against check-jsonschema itself (a test dependency), as whole processes.

    python benchmarks/startup.py [--rounds 9]

Each pair runs in fresh processes, the two sides interleaved (alternating which goes first),
from this repository's root, with the same interpreter and environment:

  --version   foundry-estate --version
              check-jsonschema --version
  validate    foundry-estate validate stacks/dev.yaml stacks/prod.yaml
              check-jsonschema --schemafile schemas/manifest.schema.json stacks/dev.yaml stacks/prod.yaml

`foundry-estate validate` does far more than the schema (cross-checks, the catalog, guardrails,
limits, secrets); check-jsonschema only the schema. The figure is the CPU time of the child
process (user + system, from the kernel's accounting, so other work on a shared machine costs
neither side), median of the per-round ratios; wall time is printed beside it. Goals: <= 1.0.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
STACKS = ["stacks/dev.yaml", "stacks/prod.yaml"]
PAIRS = {
    "--version": ([os.path.join(BIN, "foundry-estate"), "--version"],
                  [os.path.join(BIN, "check-jsonschema"), "--version"]),
    "validate": ([os.path.join(BIN, "foundry-estate"), "validate", *STACKS],
                 [os.path.join(BIN, "check-jsonschema"), "--schemafile", "schemas/manifest.schema.json", *STACKS]),
}
GOAL = 1.0
# As a user's installed kit runs: with its bytecode cached (pip compiles a wheel's modules when
# it installs them; here the warm-up run writes the cache), whatever this shell says.
ENVIRONMENT = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def run(command: list[str]) -> tuple[float, float]:
    """CPU seconds (user + system) and wall seconds of one process running `command`."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, env=ENVIRONMENT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode() if process.stderr else ""
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {process.returncode}:\n{stderr[-2000:]}")
    return usage.ru_utime + usage.ru_stime, wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    print(f"whole processes, {args.rounds} interleaved rounds; python {sys.version.split()[0]}, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    for label, (kit, baseline) in PAIRS.items():
        run(kit), run(baseline)  # warm the file cache and the bytecode
        kit_cpu, base_cpu, kit_wall, base_wall, ratios = [], [], [], [], []
        for turn in range(args.rounds):
            if turn % 2 == 0:
                (k_cpu, k_wall), (b_cpu, b_wall) = run(kit), run(baseline)
            else:
                (b_cpu, b_wall), (k_cpu, k_wall) = run(baseline), run(kit)
            kit_cpu.append(k_cpu)
            base_cpu.append(b_cpu)
            kit_wall.append(k_wall)
            base_wall.append(b_wall)
            ratios.append(k_cpu / b_cpu)
        ratio = statistics.median(ratios)
        print(f"\n{label}")
        print(f"  foundry-estate    cpu median {statistics.median(kit_cpu):.3f} s, wall median {statistics.median(kit_wall):.3f} s")
        print(f"  check-jsonschema  cpu median {statistics.median(base_cpu):.3f} s, wall median {statistics.median(base_wall):.3f} s")
        print(f"  ratio (cpu) median {ratio:.2f} (per round {', '.join(f'{r:.2f}' for r in ratios)}); "
              f"wall {statistics.median(kit_wall) / statistics.median(base_wall):.2f}; "
              f"goal <= {GOAL}: {'MET' if ratio <= GOAL else 'NOT MET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
