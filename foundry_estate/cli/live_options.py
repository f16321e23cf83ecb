"""The options every live command takes (`--subscription`, `--arm-endpoint`, `--timeout`) and the connection
they make: one place, so `catalog refresh`, `quota --live`, `import` and `drift` read Azure alike."""

from __future__ import annotations

import argparse

from foundry_estate.errors import KitError, Problem
from foundry_estate.live import client as live
from foundry_estate.live import reads
from foundry_estate.project.stacks import SUBSCRIPTION_KEY, Stack, subscription_of


def add(parser: argparse.ArgumentParser, subscription_help: str) -> None:
    parser.add_argument("--subscription", metavar="ID", help=subscription_help)
    parser.add_argument("--arm-endpoint", metavar="URL",
                        help=f"Azure Resource Manager endpoint (default: ${live.ENDPOINT_VARIABLE}, else Azure's public "
                             "cloud; sovereign clouds give theirs)")
    add_timeout(parser)


def add_timeout(parser: argparse.ArgumentParser) -> None:
    """`--timeout SECONDS`: the deadline of every read of the command (also `prices refresh`'s, which has no subscription)."""
    parser.add_argument("--timeout", metavar="SECONDS", type=_seconds, default=reads.DEFAULT_TIMEOUT,
                        help=f"give up reading Azure after this many seconds (default: {reads.DEFAULT_TIMEOUT:g})")


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above 0")
    return value


def subscription(args: argparse.Namespace, stack: Stack | None = None) -> str:
    """--subscription, else the stack's `azure-native:subscriptionId`."""
    found = args.subscription or (subscription_of(stack) if stack else None)
    if not found:
        where = f" or set {SUBSCRIPTION_KEY} in {stack.config_file}" if stack and stack.config_file else ""
        raise KitError([Problem.at(".", f"which subscription to read: give --subscription ID{where}")])
    return found


def connect(args: argparse.Namespace, stack: Stack | None = None) -> live.AzureLists:
    """The reader of the command's subscription, whose reads end within --timeout from now."""
    return live.connect(subscription(args, stack), args.arm_endpoint, args.timeout)
