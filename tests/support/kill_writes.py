"""Runs a writing command again and again, stopping it at every step of its file writes.

    python tests/support/kill_writes.py '{"argv": [...], "cwd": DIR, "mode": "kill"|"full"}'

The kit is imported once; each run is a fork. In the fork, the file helper's (`foundry_estate.files`)
calls to the operating system are counted and at step N the run is stopped: `kill` sends the
process SIGKILL (at a `write`, after half of its bytes, so a file is left partial if anything
can leave it so); `full` counts the writes only and makes the Nth fail with ENOSPC (the disk is full). After each run
the parent records the folder's files, then runs `recover` as the next writing command would
and records them again, then puts the folder back. One JSON line per run on stdout; the last
run is the one that was not stopped. With `"sample": K` a first run counts the steps and K of
them, chosen at random, are tried (then one past the last).
"""

from __future__ import annotations

import errno
import json
import random
import os
import shutil
import signal
import subprocess
import sys
from types import SimpleNamespace
from typing import Any

from foundry_estate.files import JOURNAL_PREFIX

STEPS = ("open", "write", "fsync", "close", "replace", "unlink", "mkdir", "rmdir")


def snapshot(directory: str) -> dict[str, str]:
    found = {}
    for folder, _dirs, names in os.walk(directory):
        for name in names:
            path = os.path.join(folder, name)
            with open(path, "rb") as handle:
                found[os.path.relpath(path, directory)] = handle.read().decode("utf-8", "replace")
    return found


def stopping_os(stop_at: int, mode: str) -> Any:
    """The `os` module as the file helper sees it, stopping at step `stop_at` (0: never; the
    steps taken are then counted in its `steps_taken`)."""
    count = [0]

    def step(name: str):
        real = getattr(os, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            if mode == "full" and name != "write":
                return real(*args, **kwargs)
            count[0] += 1
            if count[0] == stop_at:
                if name == "write" and mode == "full":
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                if mode == "kill":
                    if name == "write":
                        real(args[0], bytes(args[1][: max(1, len(args[1]) // 2)]))
                    os.kill(os.getpid(), signal.SIGKILL)
            return real(*args, **kwargs)
        return counted

    return SimpleNamespace(**{**{name: getattr(os, name) for name in dir(os) if not name.startswith("__")},
                              **{name: step(name) for name in STEPS}, "steps_taken": count})


def helper_files(snapshot: dict[str, str]) -> list[str]:
    """The temporary files and journals of `foundry_estate.files` among the snapshot's files."""
    return [path for path in snapshot if os.path.basename(path).startswith(".")
            and (path.endswith(".tmp") or JOURNAL_PREFIX in path)]


def stopped_runs(argv: list[str], cwd: str | os.PathLike[str], mode: str, sample: int = 0) -> list[dict]:
    """The runs of `foundry-estate ARGV` in `cwd`, stopped at each step (or at `sample` steps chosen
    at random; the seed is printed): see main."""
    seed = random.randrange(2**32)
    if sample:
        print(f"{sample} steps chosen with random seed {seed}")
    job = {"argv": argv, "cwd": str(cwd), "mode": mode, "sample": sample, "seed": seed}
    done = subprocess.run([sys.executable, __file__, json.dumps(job)], cwd=os.path.dirname(os.path.abspath(cwd)),
                          capture_output=True, text=True, timeout=600, check=False,
                          env={**os.environ, "PYTHONPATH": os.path.dirname(os.path.dirname(__file__))})
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def assert_whole_and_together(runs: list[dict], old: dict[str, str], mode: str) -> None:
    """Each file old or new at every step, never partial; after recovery all old or all new."""
    *stopped, finished = runs
    new = finished["after"]
    assert not finished["killed"] and finished["exit"] == 0 and new != old
    assert len(stopped) >= 4, "every step chosen (every write, with a full disk) stops a run"
    assert len({run["step"] for run in stopped}) == len(stopped)
    outcomes = set()
    for run in stopped:
        for path, text in run["before"].items():
            if path in helper_files(run["before"]):
                continue
            assert text in (old.get(path), new.get(path)), f"step {run['step']}: {path} is neither old nor new"
        assert run["after"] in (old, new), f"step {run['step']}: after recovery the files are a mix"
        outcomes.add("new" if run["after"] == new else "old")
        if mode == "full":
            assert not run["killed"] and run["exit"] == 1 and run["after"] == run["before"] == old
            assert len(run["stderr"].splitlines()) == 1 and run["stderr"].endswith(
                "cannot write the file: the disk is full; nothing was written\n"), run["stderr"]
    assert outcomes == ({"old"} if mode == "full" else {"old", "new"})


def _run(job: dict, cli: Any, files: Any, stop_at: int, directory: str, pristine: str) -> int:
    """One run of the command in a fork, stopped at step `stop_at`; its wait status."""
    child = os.fork()
    if child == 0:
        os.chdir(directory)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        err = os.open(os.path.join(pristine + ".stderr"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(err, 2)
        files.os = stopping_os(stop_at, job["mode"])
        code = cli.main(job["argv"])
        if stop_at == 0:
            print(files.os.steps_taken[0], file=sys.stderr)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return os.waitpid(child, 0)[1]


def main() -> None:
    job = json.loads(sys.argv[1])
    from foundry_estate import files
    from foundry_estate.cli import main as cli

    directory = job["cwd"]
    pristine = directory + ".pristine"
    shutil.copytree(directory, pristine, symlinks=True)
    steps: Any = range(1, 10_000)
    if job.get("sample"):  # a run that is not stopped counts the steps; then a sample of them
        _run(job, cli, files, 0, directory, pristine)
        with open(pristine + ".stderr", encoding="utf-8") as handle:
            total = int(handle.read().rsplit("\n", 2)[-2])
        shutil.rmtree(directory)
        shutil.copytree(pristine, directory, symlinks=True)
        steps = sorted(random.Random(job["seed"]).sample(range(1, total + 1), min(job["sample"], total))) + [total + 1]
    for stop_at in steps:
        status = _run(job, cli, files, stop_at, directory, pristine)
        killed = os.WIFSIGNALED(status)
        with open(pristine + ".stderr", encoding="utf-8") as handle:
            stderr = handle.read()
        before = snapshot(directory)
        notes = files.recover(directory)
        after = snapshot(directory)
        print(json.dumps({"step": stop_at, "killed": killed, "exit": None if killed else os.WEXITSTATUS(status),
                          "stderr": stderr, "before": before, "notes": notes, "after": after}), flush=True)
        shutil.rmtree(directory)
        shutil.copytree(pristine, directory, symlinks=True)
        if not killed and (job["mode"] == "kill" or "the disk is full" not in stderr):
            break  # past the last step
    shutil.rmtree(pristine)
    os.unlink(pristine + ".stderr")


if __name__ == "__main__":
    main()
