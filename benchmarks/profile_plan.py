"""Where the kit's plan time goes, against the hand-written baseline.

    python benchmarks/profile_plan.py [--accounts 2] [--deployments 32] [--items 125] [--repeat 8]
                                      [--no-cprofile] [--no-ablation]

Two views of the same manifest (default: 1/16 of the full benchmark, same make-up per
account); nothing is written to the repository:

  ablation  CPU time of the kit as is, the kit with parts switched off in-process (no file
            is edited), and the baseline, in interleaved rounds; each variant's ratio to the
            baseline of the same round (median over rounds). The difference between a
            variant's ratio and the kit's is what that part costs, i.e. the gain of changing it.
  cProfile  function call counts (deterministic, unlike times on a shared machine) and
            cumulative times of the SDK and kit functions that differ between kit and baseline.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
for path in (REPO, HERE):
    if path not in sys.path:
        sys.path.insert(0, path)

import pulumi  # noqa: E402

import generate  # noqa: E402
from run import counts, hand_plan, kit_plan, timed  # noqa: E402
import components.account  # noqa: E402
import foundry_estate.preview.engine  # noqa: E402
import foundry_estate.project.project  # noqa: E402
import foundry_estate.validate  # noqa: E402
from pulumi.runtime.mocks import MockMonitor  # noqa: E402
from foundry_estate.manifest.loader import load  # noqa: E402


class _Transparent(pulumi.ComponentResource):
    """Switches a component off: it registers nothing and its children use its parent."""

    def __init__(self, t: str, name: str, props: Any = None, opts: pulumi.ResourceOptions | None = None) -> None:
        object.__setattr__(self, "_stand_in_for", opts.parent if opts else None)

    @property
    def urn(self) -> pulumi.Output[str]:
        return object.__getattribute__(self, "_stand_in_for").urn

    def register_outputs(self, outputs: Any) -> None:
        pass

    def __getattr__(self, attribute: str) -> Any:
        if attribute == "_stand_in_for":
            raise AttributeError(attribute)
        return getattr(object.__getattribute__(self, "_stand_in_for"), attribute)


def _transparent(component: type) -> type:
    return type(f"Transparent{component.__name__}", (component, _Transparent), {})


@contextmanager
def patched(owner: Any, **attributes: Any) -> Iterator[None]:
    saved = {name: getattr(owner, name) for name in attributes}
    for name, value in attributes.items():
        setattr(owner, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(owner, name, value)


def variants(path: str, data: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    validated = foundry_estate.validate.load_manifest(path)  # the checks skipped below (the plan checks once)
    inner = {name: _transparent(getattr(components.account, name))
             for name in ("ModelDeployment", "ContentFilter", "Blocklist")}

    def kit() -> Any:
        return kit_plan(path)

    def kit_no_validation() -> Any:
        with patched(foundry_estate.project.project, checked=lambda *a, **k: validated):
            return kit_plan(path)

    def kit_no_inner_components() -> Any:
        with patched(components.account, **inner):
            return kit_plan(path)

    def kit_no_deployment_component() -> Any:
        with patched(components.account, ModelDeployment=inner["ModelDeployment"]):
            return kit_plan(path)

    def kit_neither() -> Any:
        with patched(foundry_estate.project.project, checked=lambda *a, **k: validated), \
                patched(components.account, **inner):
            return kit_plan(path)

    def kit_gc_tuned() -> Any:
        # What __main__.py / engine.py could do: freeze what imports left (never garbage) and
        # collect the young generation every 50,000 allocations instead of every 700.
        threshold = gc.get_threshold()
        gc.collect()
        gc.freeze()
        gc.set_threshold(50_000, 20, 20)
        try:
            return kit_plan(path)
        finally:
            gc.set_threshold(*threshold)
            gc.unfreeze()

    return {
        "kit as is": kit,
        "kit, GC tuned (gc.freeze, threshold 50,000)": kit_gc_tuned,
        "kit, validation skipped": kit_no_validation,
        "kit, no ModelDeployment component": kit_no_deployment_component,
        "kit, no ModelDeployment/ContentFilter/Blocklist": kit_no_inner_components,
        "kit, both of the above": kit_neither,
        "hand-written baseline": lambda: hand_plan(data),
    }


def ablation(path: str, data: dict[str, Any], repeat: int, only: list[str] | None = None) -> None:
    """Each round runs every variant once (order rotated); a variant's cost is the median over
    rounds of its time / the baseline's time in the same round, so slow patches of a shared
    machine hit both sides of each ratio."""
    runs = variants(path, data)
    if only:
        runs = {name: fn for name, fn in runs.items() if name == "hand-written baseline" or any(o in name for o in only)}
    names = list(runs)
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    gc_cpu: dict[str, list[float]] = {name: [] for name in runs}
    sizes: dict[str, int] = {}
    for turn in range(repeat):
        shift = turn % len(names)
        for name in names[shift:] + names[:shift]:
            timing, graph = timed(runs[name])
            cpu[name].append(timing.cpu)
            gc_cpu[name].append(timing.gc)
            sizes[name] = counts(graph)[0]
            del graph
    base = cpu["hand-written baseline"]
    print(f"\nablation: CPU time, {repeat} rounds; ratio = median over rounds of variant / baseline (same round)")
    for name in names:
        ratios = sorted(value / base[turn] for turn, value in enumerate(cpu[name]))
        low, high = ratios[len(ratios) // 4], ratios[(3 * len(ratios)) // 4]
        print(f"  {name:48} median {statistics.median(cpu[name]):6.2f} s (gc {statistics.median(gc_cpu[name]):5.2f} s)  "
              f"{sizes[name]:5d} registrations  ratio {statistics.median(ratios):.3f} (quartiles {low:.3f}-{high:.3f})")


# (label, predicate on (file, function name)): SDK and kit functions worth comparing.
BUCKETS: list[tuple[str, Callable[[str, str], bool]]] = [
    ("Resource.__init__ (all registrations)", lambda f, n: f.endswith("pulumi/resource.py") and n == "__init__"),
    ("  alias URNs (collapse_alias_to_urn)", lambda f, n: n == "collapse_alias_to_urn"),
    ("SDK register_resource / do_register", lambda f, n: n == "do_register"),
    ("  prepare_resource", lambda f, n: n == "prepare_resource"),
    ("  depends_on resolution", lambda f, n: n == "_resolve_depends_on_urns"),
    ("  alias specs (prepare_aliases)", lambda f, n: n == "prepare_aliases"),
    ("register_outputs (components)", lambda f, n: n == "register_outputs" and f.endswith("pulumi/resource.py")),
    ("mock monitor Log (SDK debug logging)", lambda f, n: n == "Log" and "mocks" in f),
    ("validation (Project.checked)", lambda f, n: n == "checked" and f.endswith("project/project.py")),
    ("kit: WriteQueue.write", lambda f, n: n == "write" and f.endswith("components/serial.py")),
    ("Output objects created (_OutputData)", lambda f, n: n == "__post_init__" and f.endswith("pulumi/output.py")),
    ("asyncio tasks created", lambda f, n: n == "create_task"),
    ("event-loop callbacks run", lambda f, n: n == "_run" and f.endswith("asyncio/events.py")),
]


def profile(name: str, fn: Callable[[], Any]) -> pstats.Stats:
    profiler = cProfile.Profile()
    gc.collect()
    profiler.enable()
    fn()
    profiler.disable()
    return pstats.Stats(profiler)


def bucket(stats: pstats.Stats, predicate: Callable[[str, str], bool]) -> tuple[int, float]:
    calls, cumulative = 0, 0.0
    for (file, _line, function), (_cc, ncalls, _tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if predicate(file, function):
            calls += ncalls
            cumulative = max(cumulative, ct) if function == "__init__" else cumulative + ct
    return calls, cumulative


@contextmanager
def monitor_clock(totals: dict[str, list[float]]) -> Iterator[None]:
    """The monitor runs on the SDK's executor threads, which cProfile does not see: time it
    there (thread CPU time). `recording` is RecordingMonitor's own work (deserializing inputs)."""
    import threading
    lock = threading.Lock()

    def clocked(owner: type, method: str, label: str) -> Callable[..., Any]:
        original = getattr(owner, method)

        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            start = time.thread_time()
            try:
                return original(self, *args, **kwargs)
            finally:
                with lock:
                    entry = totals.setdefault(label, [0, 0.0])
                    entry[0] += 1
                    entry[1] += time.thread_time() - start
        return wrapper

    with patched(foundry_estate.preview.engine.RecordingMonitor,
                 RegisterResource=clocked(foundry_estate.preview.engine.RecordingMonitor, "RegisterResource", "monitor: RegisterResource (mock + recording)")), \
            patched(MockMonitor,
                    RegisterResource=clocked(MockMonitor, "RegisterResource", "monitor:   of which Pulumi's MockMonitor"),
                    RegisterResourceOutputs=clocked(MockMonitor, "RegisterResourceOutputs", "monitor: RegisterResourceOutputs"),
                    Invoke=clocked(MockMonitor, "Invoke", "monitor: Invoke")):
        yield


def compare_profiles(path: str, data: dict[str, Any]) -> None:
    kit_monitor: dict[str, list[float]] = {}
    hand_monitor: dict[str, list[float]] = {}
    with monitor_clock(kit_monitor):
        kit = profile("kit", lambda: kit_plan(path))
    with monitor_clock(hand_monitor):
        hand = profile("hand", lambda: hand_plan(data))
    total_calls = {name: sum(v[1] for v in s.stats.values()) for name, s in (("kit", kit), ("hand", hand))}  # type: ignore[attr-defined]
    print("\ncProfile (times include profiler overhead; call counts are exact)")
    print(f"  {'':58} {'kit calls':>10} {'hand calls':>10} {'kit cum s':>9} {'hand cum s':>10}")
    print(f"  {'all Python function calls':58} {total_calls['kit']:10d} {total_calls['hand']:10d} "
          f"{kit.total_tt:9.2f} {hand.total_tt:10.2f}  calls x{total_calls['kit'] / total_calls['hand']:.3f}")  # type: ignore[attr-defined]
    for label, predicate in BUCKETS:
        kc, kt = bucket(kit, predicate)
        hc, ht = bucket(hand, predicate)
        print(f"  {label:58} {kc:10d} {hc:10d} {kt:9.2f} {ht:10.2f}")
    for label in sorted(set(kit_monitor) | set(hand_monitor)):
        kc, kt = kit_monitor.get(label, [0, 0.0])
        hc, ht = hand_monitor.get(label, [0, 0.0])
        print(f"  {label + ' [thread cpu]':58} {int(kc):10d} {int(hc):10d} {kt:9.2f} {ht:10.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    # Default: 1/16 of the full benchmark with its per-account make-up (32 deployments and
    # 62 blocklist items per account), small enough for many interleaved rounds.
    parser.add_argument("--accounts", type=int, default=2)
    parser.add_argument("--deployments", type=int, default=32)
    parser.add_argument("--items", type=int, default=125)
    parser.add_argument("--repeat", type=int, default=8)
    parser.add_argument("--no-cprofile", action="store_true")
    parser.add_argument("--no-ablation", action="store_true")
    parser.add_argument("--only", action="append", help="ablation variants whose name contains this (repeatable)")
    args = parser.parse_args(argv)
    shape = generate.Shape(args.accounts, args.deployments, args.items)
    with tempfile.TemporaryDirectory(prefix="foundry-kit-profile-") as tmp:
        path = os.path.join(tmp, "manifest.yaml")
        generate.write(path, shape)
        data = load(path).data
        print(f"profile: {generate.describe(shape)}")
        kit_plan(path), hand_plan(data)  # warm: imports
        if not args.no_ablation:
            ablation(path, data, args.repeat, args.only)
        if not args.no_cprofile:
            compare_profiles(path, data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
