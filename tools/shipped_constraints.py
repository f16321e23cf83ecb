"""Write foundry_estate/constraints.txt, the exact versions the wheel carries for teams.

They are constraints.txt's pins of what an install of the kit with its `live` extra brings in:
the kit's requirements and theirs, followed through the installed packages' metadata (so run it
where the kit is installed with its extras, as `make constraints` does). `foundry-estate init`
and `upgrade` write them into a team's repository as its constraints.txt, so a team's CI
installs what this repository's CI tested. A test holds the file equal to what this writes.

    python tools/shipped_constraints.py          # rewrite it
    python tools/shipped_constraints.py --check  # exit 1 if it is not what constraints.txt says
"""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parent.parent
SOURCE = REPO / "constraints.txt"
SHIPPED = REPO / "foundry_estate" / "constraints.txt"
KIT, EXTRAS = "foundry-estate", ("live",)
UNPINNED = {"pip", "setuptools", "wheel"}  # what `pip freeze` leaves out of constraints.txt, as a virtualenv brings them
HEADER = """\
# The exact versions this kit was tested with: its dependencies and those of its 'live' extra,
# from its repository's constraints.txt (tools/shipped_constraints.py writes this file).
"""


def pins(text: str) -> dict[str, str]:
    """name -> line of a constraints file (comments left out)."""
    lines = (line.strip() for line in text.splitlines())
    return {canonicalize_name(line.partition("==")[0]): line for line in lines if line and not line.startswith("#")}


def closure() -> set[str]:
    """The names of every distribution an install of the kit with its extras brings in."""
    seen: set[str] = set()
    todo = [(KIT, EXTRAS)]
    while todo:
        name, extras = todo.pop()
        try:
            requires = distribution(name).requires or []
        except PackageNotFoundError:
            raise SystemExit(f"{name} is not installed: run `make constraints` (it installs the kit with its extras)")
        for text in requires:
            requirement = Requirement(text)
            wanted = any(requirement.marker is None or requirement.marker.evaluate({"extra": extra})
                         for extra in ("", *extras))
            key = canonicalize_name(requirement.name)
            if wanted and key not in seen and key not in UNPINNED:
                seen.add(key)
                todo.append((requirement.name, tuple(requirement.extras)))
    return seen


def shipped() -> str:
    pinned = pins(SOURCE.read_text(encoding="utf-8"))
    needed = closure()
    missing = sorted(needed - set(pinned))
    if missing:
        raise SystemExit(f"constraints.txt pins none of {', '.join(missing)}: run `make constraints`")
    return HEADER + "".join(f"{pinned[name]}\n" for name in sorted(needed))


def main(argv: list[str]) -> int:
    text = shipped()
    if "--check" in argv:
        current = SHIPPED.read_text(encoding="utf-8") if SHIPPED.exists() else ""
        if current != text:
            print(f"{SHIPPED.relative_to(REPO)} is not what constraints.txt pins: run `make constraints` "
                  "(or python tools/shipped_constraints.py)", file=sys.stderr)
            return 1
        return 0
    SHIPPED.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
