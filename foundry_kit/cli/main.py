"""`foundry-kit`: the command line. Parses arguments, dispatches to one module per verb,
and funnels every failure to one exit code: 0 ok, 1 user error, 3 bug, 130 interrupted."""

from __future__ import annotations

import argparse
import sys
import traceback
from typing import Sequence

from foundry_kit.cli.commands import catalog as catalog_command
from foundry_kit.cli.commands import diff as diff_command
from foundry_kit.cli.commands import drift as drift_command
from foundry_kit.cli.commands import import_estate as import_command
from foundry_kit.cli.commands import plan as plan_command
from foundry_kit.cli.commands import quota as quota_command
from foundry_kit.cli.commands import validate as validate_command
from foundry_kit.errors import KitError

EXIT_OK, EXIT_USER_ERROR, EXIT_BUG, EXIT_INTERRUPTED = 0, 1, 3, 130


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="foundry-kit", description="Azure AI Foundry deployments from reviewed YAML manifests.")
    verbs = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    validate_command.add_parser(verbs)
    catalog_command.add_parser(verbs)
    plan_command.add_parser(verbs)
    diff_command.add_parser(verbs)
    quota_command.add_parser(verbs)
    import_command.add_parser(verbs)
    drift_command.add_parser(verbs)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except KitError as error:
        print(error, file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception:  # noqa: BLE001 - the funnel: anything else is a bug in the kit
        print("foundry-kit: an unexpected error occurred (a bug in the kit; please report it with this output):",
              file=sys.stderr)
        traceback.print_exc()
        return EXIT_BUG


def run() -> None:
    sys.exit(main())
