"""`foundry-estate`: the command line. Parses arguments, dispatches to one module per verb,
and funnels every failure to one exit code: 0 ok, 1 user error, 3 bug, 130 interrupted. Output
piped into a reader that stops early (`| head`) ends quietly."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Any, Sequence

from foundry_estate.cli.crash import report_bug
from foundry_estate.errors import KitError
from foundry_estate.gc_tuning import fewer_collections

EXIT_OK, EXIT_USER_ERROR, EXIT_BUG, EXIT_INTERRUPTED = 0, 1, 3, 130


# Each verb and the module under foundry_estate/cli/commands/ that defines it, in help order.
# Only the module of the verb being run is imported, so `--version`, `validate`, `catalog` or
# `stack list` never load Pulumi or azure-native (tests/acceptance/test_startup.py).
VERBS = {"validate": "validate", "catalog": "catalog", "plan": "plan", "diff": "diff", "cost": "cost",
         "prices": "prices", "quota": "quota", "import": "import_estate", "drift": "drift", "init": "init",
         "stack": "stack", "upgrade": "upgrade"}


def parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The command line for `argv`: the verb it names gets its full parser; the others are
    names only, unless help is asked for at the top, which lists every verb with its help."""
    top = argparse.ArgumentParser(prog="foundry-estate", description="Azure AI Foundry deployments from reviewed YAML manifests.")
    top.add_argument("--version", action=_Version, help="show the kit's version and exit")
    verbs = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    named = next((word for word in argv if not word.startswith("-")), None)
    every = named not in VERBS and any(word in ("-h", "--help") for word in argv)
    for verb, module in VERBS.items():
        if every or verb == named:
            importlib.import_module(f"foundry_estate.cli.commands.{module}").add_parser(verbs)
        else:
            verbs.add_parser(verb)
    return top


class _Version(argparse._VersionAction):
    """argparse's `--version`, with the version read only when it is asked for."""

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        import foundry_estate

        self.version = f"foundry-estate {foundry_estate.__version__}"
        super().__call__(parser, *args, **kwargs)


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser(argv).parse_args(argv)
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
        report_bug()
        return EXIT_BUG


def _discard_stdout() -> None:
    """The reader of stdout has gone (`| head`): what is left to write goes nowhere, so
    Python's own flush at exit does not report the closed pipe again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def run() -> None:
    sys.exit(main())
