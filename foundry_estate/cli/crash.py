"""The report of a bug (exit 3), as pre-commit's error_handler.py writes one: what happened,
where to report it, the versions that decide the kit's behaviour, then the traceback.

Only the funnel in `cli/main.py` calls it, after anything else has failed, so it imports
nothing of the kit and reads every version from the installed distributions' metadata (imported
then: a command that does not crash does not pay for importlib.metadata)."""

from __future__ import annotations

import platform
import sys
import traceback
from typing import TextIO

KIT = "foundry-estate"
# The distributions whose versions decide what a plan, diff or deploy does.
VERSIONS = (KIT, "pulumi", "pulumi-azure-native", "pulumi-policy")
# Project-URL labels, in the order a report looks for the place to send it.
REPORT_LABELS = ("issues", "bug tracker", "source", "repository", "homepage")


def report_bug(out: TextIO | None = None) -> None:
    """Report the exception being handled (to stderr unless told): the plea, the versions, the traceback."""
    out = out or sys.stderr
    print(f"{KIT}: an unexpected error occurred (a bug in the kit, not in your manifests).", file=out)
    print(f"Please report it with this whole output {where_to_report()}.", file=out)
    print(file=out)
    print("versions:", file=out)
    for line in versions():
        print(f"  {line}", file=out)
    print(file=out)
    traceback.print_exc(file=out)


def versions() -> list[str]:
    """One line per distribution that matters, then Python and the platform."""
    lines = [f"{name} {_version(name)}" for name in VERSIONS]
    lines.append(f"Python {platform.python_version()} ({sys.executable})")
    lines.append(f"platform {platform.platform()}")
    return lines


def where_to_report() -> str:
    """The kit's issue tracker, from the Project-URLs of the installed distribution."""
    from importlib import metadata

    try:
        urls = metadata.metadata(KIT).get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        urls = []
    labelled: dict[str, str] = {}
    for entry in urls:
        label, _, url = entry.partition(",")
        labelled.setdefault(label.strip().lower(), url.strip())
    for label in REPORT_LABELS:
        if label in labelled:
            return f"at {labelled[label]}"
    return f"to the maintainers of {KIT}"


def _version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"
