"""`foundry-estate`: the command line. Parses arguments, dispatches to one module per verb,
and funnels every failure to one exit code: 0 ok, 1 user error, 3 bug, 130 interrupted. Output
piped into a reader that stops early (`| head`) ends quietly."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from typing import Sequence

from foundry_estate.cli.commands import catalog as catalog_command
from foundry_estate.cli.commands import diff as diff_command
from foundry_estate.cli.commands import drift as drift_command
from foundry_estate.cli.commands import import_estate as import_command
from foundry_estate.cli.commands import init as init_command
from foundry_estate.cli.commands import plan as plan_command
from foundry_estate.cli.commands import quota as quota_command
from foundry_estate.cli.commands import stack as stack_command
from foundry_estate.cli.commands import validate as validate_command
from foundry_estate import __version__
from foundry_estate.errors import KitError
from foundry_estate.gc_tuning import fewer_collections

EXIT_OK, EXIT_USER_ERROR, EXIT_BUG, EXIT_INTERRUPTED = 0, 1, 3, 130


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="foundry-estate", description="Azure AI Foundry deployments from reviewed YAML manifests.")
    top.add_argument("--version", action="version", version=f"foundry-estate {__version__}")
    verbs = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    validate_command.add_parser(verbs)
    catalog_command.add_parser(verbs)
    plan_command.add_parser(verbs)
    diff_command.add_parser(verbs)
    quota_command.add_parser(verbs)
    import_command.add_parser(verbs)
    drift_command.add_parser(verbs)
    init_command.add_parser(verbs)
    stack_command.add_parser(verbs)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        with fewer_collections():  # a command builds many objects that live until it ends: see gc_tuning
            code: int = args.run(args)
        sys.stdout.flush()  # a closed pipe shows here, inside the funnel, not at exit
        return code
    except BrokenPipeError:
        _discard_stdout()
        return EXIT_OK
    except KitError as error:
        print(error, file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception:  # noqa: BLE001 - the funnel: anything else is a bug in the kit
        print("foundry-estate: an unexpected error occurred (a bug in the kit; please report it with this output):",
              file=sys.stderr)
        traceback.print_exc()
        return EXIT_BUG


def _discard_stdout() -> None:
    """The reader of stdout has gone (`| head`): what is left to write goes nowhere, so
    Python's own flush at exit does not report the closed pipe again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def run() -> None:
    sys.exit(main())
