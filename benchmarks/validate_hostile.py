"""Validation of hostile 20 MiB manifests stays linear, as a ratio to PyYAML's C loader parsing
the same file (goal: <= 2x), and answers in a few short lines.

    python benchmarks/validate_hostile.py                 # every shape at 20 MiB
    python benchmarks/validate_hostile.py --quick         # 1/8 of each, while iterating
    python benchmarks/validate_hostile.py --shape keys    # one shape

Shapes (each one file, invalid on purpose):
- `tags`: 1.3 million tag keys (Azure allows 50): one size error, the keys never checked one by one;
- `keys`: 20 MiB of 24-character tag keys, each read by the secret scan (keys are scanned too);
- `value`: one tag value of 20 MiB (Azure allows 256 characters): its size, never its text, and
  never scanned past 64 KiB.

Times are CPU seconds in this one process, best of --rounds, the parse with the collector settings
the kit's commands use (gc_tuning), parse and validate interleaved.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import string
import sys
import tempfile
import time
from typing import Callable

import yaml

from foundry_estate.cli import main as cli
from foundry_estate.gc_tuning import fewer_collections

MIB = 2**20
HEAD = "version: 1\nlocation: eastus2\nresourceGroup: {name: rg-hostile}\ntags:\n"
TAIL = "accounts:\n  core:\n    name: aif-hostile\n    deployments: {}\n"


def tag_keys(size: int) -> str:
    lines = []
    for number in range(size // 16):  # "  k0000001: v1\n" is 16 characters
        lines.append(f"  k{number:07d}: v{number % 10}\n")
    return HEAD + "".join(lines) + TAIL


def long_keys(size: int) -> str:
    letters = random.Random(7)
    alphabet = string.ascii_lowercase + "-"
    keys = ("".join(letters.choices(alphabet, k=24)) for _ in range(size // 32))
    return HEAD + "".join(f"  {key}: value\n" for key in keys) + TAIL


def long_value(size: int) -> str:
    return HEAD + f"  note: {'n' * size}\n" + TAIL


SHAPES: dict[str, tuple[str, Callable[[int], str]]] = {
    "tags": ("tag keys (k0000001: v1)", tag_keys), "keys": ("24-character tag keys, each scanned for secrets", long_keys),
    "value": ("one tag value", long_value)}


def cpu(function: Callable[[], object]) -> float:
    start = time.process_time()
    function()
    return time.process_time() - start


def parse(path: str) -> None:
    with fewer_collections(), open(path, encoding="utf-8") as handle:
        yaml.load(handle.read(), Loader=yaml.CSafeLoader)


def validate(path: str, out: list[str]) -> None:
    with contextlib.redirect_stdout(io.StringIO()) as captured:
        code = cli.main(["validate", path])
    assert code == 1, f"expected exit 1, got {code}"
    out[:] = captured.getvalue().splitlines()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1/8 of each size")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--shape", choices=sorted(SHAPES), action="append")
    args = parser.parse_args()
    size = 20 * MIB // (8 if args.quick else 1)
    with tempfile.TemporaryDirectory() as directory:  # warm: schemas, catalog and detectors are read once per process
        path = os.path.join(directory, "warm.yaml")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(long_keys(4096))
        validate(path, [])
    for shape in args.shape or SHAPES:
        label, make = SHAPES[shape]
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "hostile.yaml")
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(make(size))
            out: list[str] = []
            parsed, validated = [], []
            for _ in range(args.rounds):
                parsed.append(cpu(lambda: parse(path)))
                validated.append(cpu(lambda: validate(path, out)))
            ratio = min(validated) / min(parsed)
            print(f"{label}: {os.path.getsize(path) / MIB:.1f} MiB; C loader parse {min(parsed):.2f} s, validate "
                  f"{min(validated):.2f} s, ratio {ratio:.2f} (goal <= 2); output {len(out)} lines, "
                  f"{sum(len(line) for line in out):,} characters")
            for line in out[:3]:
                print(f"    {line.replace(directory, '...')[:160]}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
