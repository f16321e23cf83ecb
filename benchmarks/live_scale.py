"""`foundry-estate import` and `drift` of a large estate against a distant Resource Manager.

    python benchmarks/live_scale.py [--accounts 100] [--deployments 32] [--latency 0.1]

Serves an estate of `--accounts` Foundry accounts with `--deployments` deployments each (and a
content filter, a blocklist with two terms and a project each) from the tests' fake Resource Manager
(tests/support/fake_arm.py, HTTPS on 127.0.0.1 with a CA made here; needs the test extra) in its own
process, answering every request after `--latency` seconds. Then, in this process, times:

- the reads alone: `read_estate` of the resource group (what `import` reads), through the live layer;
- `foundry-estate import` of the group into a throw-away project (read, write, validate, guardrails);
- `foundry-estate drift` of that stack (plan under the mock engine, read, compare).

Every module is imported before the clock starts (a command's start-up is not what grows with the
estate). Prints each wall and CPU time, the number of requests, the load average and the ratios to the reads
alone.
Goals: each command <= 30 s on the 2-core machine, and <= 1.5x the reads alone. `drift` plans the
stack under the mock engine (reading Azure meanwhile), about 20 ms of CPU per resource: at full
scale that alone is minutes on a loaded machine, so time it at a smaller `--accounts`.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stderr, redirect_stdout

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
for folder in (REPO, os.path.join(REPO, "tests")):
    if folder not in sys.path:
        sys.path.insert(0, folder)

GOAL_SECONDS = 30.0
GOAL_RATIO = 1.5
GROUP = "rg-bench"
MODEL = ("OpenAI", "gpt-5-mini", "2025-08-07")


def serve(accounts: int, deployments: int, latency: float, bundle: str) -> None:
    """The fake Resource Manager with the estate: prints its endpoint and the number of requests
    it answered when stdin closes."""
    import trustme

    from support.fake_arm import FakeArm, account, blocklist_item, child, deployment

    ca = trustme.CA()
    ca.cert_pem.write_to_path(bundle)
    arm = FakeArm(ca, max_requests=10**9)
    arm.delay = latency
    for index in range(accounts):
        name = f"aif-{index:03d}"
        entry = account(arm, GROUP, name)
        entry["account"]["tags"] = {"owner": "platform", "environment": "dev"}
        child(entry, "raiPolicies", "strict", {"basePolicyName": "Microsoft.DefaultV2", "mode": "Blocking",
                                               "contentFilters": []})
        child(entry, "raiBlocklists", "terms", {"description": "terms"})
        for term in ("alpha", "beta"):
            blocklist_item(entry, "terms", term, term)
        child(entry, "projects", f"{name}/main", {"displayName": "main"}, location="eastus2",
              identity={"type": "SystemAssigned"}, tags=entry["account"]["tags"])
        for number in range(deployments):
            deployment(entry, f"d{number:02d}", MODEL, capacity=1)
    print(arm.endpoint, flush=True)
    sys.stdin.read()
    print(len(arm.requests), flush=True)
    if os.environ.get("LIVE_SCALE_PATHS"):
        from collections import Counter
        print(Counter(r.path.rsplit("/", 1)[-1] for r in arm.requests).most_common(8), file=sys.stderr)
    arm.close()


def timed(action) -> tuple[float, float]:
    """Wall and CPU seconds of `action` (CPU: this process, every thread)."""
    started, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - started, time.process_time() - cpu


def quiet_cli(argv: list[str]) -> int:
    from foundry_estate.cli import main as cli

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main(argv)
    if code not in (0, 2):
        sys.exit(f"{' '.join(argv)} exited {code}:\n{err.getvalue()[-2000:]}")
    return code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100)
    parser.add_argument("--deployments", type=int, default=32)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--commands", default="import,drift", help="which commands to time (default: import,drift)")
    parser.add_argument("--serve", metavar="BUNDLE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.accounts, args.deployments, args.latency, args.serve)
        return

    import azure.core.pipeline.transport  # noqa: F401 - imported before the clock starts, as the CLI's modules
    import azure.mgmt.core.policies  # noqa: F401

    import foundry_estate.cli.main  # noqa: F401
    from foundry_estate.live import client, reads
    from foundry_estate.live.estate import read_estate
    from support.fake_arm import SUBSCRIPTION

    with tempfile.TemporaryDirectory() as work:
        bundle = os.path.join(work, "ca.pem")
        server = subprocess.Popen([sys.executable, __file__, "--serve", bundle, "--accounts", str(args.accounts),
                                   "--deployments", str(args.deployments), "--latency", str(args.latency)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert server.stdout is not None and server.stdin is not None
        endpoint = server.stdout.readline().strip()
        os.environ.update({client.ENDPOINT_VARIABLE: endpoint, client.TOKEN_VARIABLE: "bench-token",
                           client.CA_VARIABLE: bundle})
        project = os.path.join(work, "project")
        os.makedirs(os.path.join(project, "stacks"))
        with open(os.path.join(project, "Pulumi.yaml"), "w", encoding="utf-8") as handle:
            handle.write("name: bench\nruntime: python\n")
        os.chdir(project)
        try:
            found = {}
            reads_alone = timed(lambda: found.setdefault("estate", read_estate(client.connect(SUBSCRIPTION), GROUP)))
            estate = found["estate"]
            commands = {"import": ["import", "--resource-group", GROUP, "--stack", "dev", "--subscription", SUBSCRIPTION],
                        "drift": ["drift", "--stack", "dev"]}
            wanted = args.commands.split(",")
            times = {name: timed(lambda argv=argv: quiet_cli(argv)) for name, argv in commands.items()
                     if name in wanted or (name == "import" and "drift" in wanted)}  # drift reads the imported stack
        finally:
            server.stdin.close()
            requests = server.stdout.read().strip()
            server.wait(10)
    deployments = sum(len(a.deployments) for a in estate.accounts)
    print(f"estate: {len(estate.accounts)} accounts, {deployments} deployments; every request answered after "
          f"{args.latency * 1000:g} ms; {reads.PARALLEL} reads at once; {requests} requests in all")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (CPU-bound work stretches with it; the "
          "reads mostly wait)")
    wall, cpu = reads_alone
    print(f"reads alone (read_estate)   {wall:6.2f} s wall  {cpu:6.2f} s CPU")
    for name, (seconds, used) in times.items():
        ratio = seconds / wall
        verdict = "ok" if seconds <= GOAL_SECONDS and ratio <= GOAL_RATIO else "MISSED"
        print(f"{name:<27} {seconds:6.2f} s wall  {used:6.2f} s CPU   {ratio:4.2f}x the reads alone   goal <= "
              f"{GOAL_SECONDS:g} s and <= {GOAL_RATIO:g}x: {verdict}")
    print(json.dumps({"reads": [round(wall, 2), round(cpu, 2)],
                      **{name: [round(seconds, 2), round(used, 2)] for name, (seconds, used) in times.items()}}))


if __name__ == "__main__":
    main()
