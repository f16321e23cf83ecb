"""`foundry-estate upgrade`: the installed kit's templates, taken into a team's project.

The base of every file is what the kit last wrote (`.foundry-estate/scaffold.json`, from `init`
or the previous upgrade). Per file, as `copier update` does:

- the team never changed it: replaced by the kit's new version;
- the team changed it: the kit's changes are merged in where they do not overlap the team's
  (a three-way merge by `git merge-file`; where git is not installed, as when they overlap);
- they overlap (or there is no record of what was written): the team's file is kept as it is
  and the kit's new version is written beside it as `FILE.new`, for the team to merge by hand;
- the team deleted it: it stays deleted; a file the kit no longer writes is removed only if
  the team never changed it.

Nothing the team wrote is lost, and every file is written whole. The record then holds the new
texts, except where the team still has to merge (its base stays the old one, so the next upgrade
merges from there again).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass

from foundry_estate import __version__
from foundry_estate.files import write_files
from foundry_estate.errors import KitError, Position, Problem
from foundry_estate.repository.scaffold import RECORD, Record, read_record, record_text, recorded, render
from foundry_estate.paths import PROJECT_FILE
from foundry_estate.project.project import project_file
from foundry_estate.project.stacks import display

# What happened to a file
ADDED, UPDATED, MERGED, CONFLICT, KEPT_DELETED, REMOVED, KEPT_REMOVED, CURRENT, YOURS = (
    "added", "updated", "merged", "conflict", "kept deleted", "removed", "kept", "current", "yours")
UNCHANGED = (CURRENT, YOURS)  # nothing to write: already the kit's, or the kit did not change it
NEW_SUFFIX = ".new"


@dataclass(frozen=True)
class Outcome:
    path: str
    action: str

    @property
    def needs_hand(self) -> bool:
        return self.action in (CONFLICT,)

    def message(self) -> str:
        return {
            ADDED: "added (new in the kit)",
            UPDATED: "updated (you had not changed it)",
            MERGED: "merged: the kit's changes and yours",
            CONFLICT: f"kept yours: your changes and the kit's overlap; the kit's version is {self.path}{NEW_SUFFIX} "
                      "(merge it by hand, then delete it)",
            KEPT_DELETED: "not written: you deleted it (the kit still ships it)",
            REMOVED: "removed (the kit no longer writes it; you had not changed it)",
            KEPT_REMOVED: "kept: the kit no longer writes it, but you changed it",
            CURRENT: "already the kit's version",
            YOURS: "kept yours (the kit did not change it)",
        }[self.action]


def version_key(version: str) -> tuple[int, ...]:
    """A release number as numbers, for ordering (`0.10.0` after `0.9.1`)."""
    return tuple(int(part) for part in re.findall(r"\d+", version.split("+")[0]))


def project_name(root: str) -> str | None:
    return project_file(root)[0] if os.path.isfile(os.path.join(root, PROJECT_FILE)) else None


def upgrade(root: str, dry_run: bool = False) -> tuple[Record | None, Record, list[Outcome]]:
    """Bring the project at `root` to the installed kit's templates; the old record, the new
    one and what happened to each file (nothing is written with `dry_run`)."""
    old = read_record(root)
    if old is not None and version_key(old.version) > version_key(__version__):
        raise KitError([Problem.at(display(os.path.join(root, RECORD)),
                                   f"the project's templates are from foundry-estate {old.version}, newer than the "
                                   f"installed {__version__}: install the project's kit (make install) and run it from .venv")])
    name = old.project if old is not None else project_name(root)
    if name is None:
        raise KitError([Problem.at(display(root), "no Pulumi.yaml here: run upgrade in the project's root "
                                                  "(`foundry-estate init` writes a new project)")])
    new = recorded(render(name))
    base = old.files if old is not None else {}
    outcomes, writes = [], {}
    bases = dict(new)  # the next upgrade's bases
    for path in sorted(set(new) | set(base)):
        current = _read(os.path.join(root, path))
        action, text = decide(base.get(path), current, new.get(path))
        outcomes.append(Outcome(path, action))
        if action == CONFLICT:
            writes[path + NEW_SUFFIX] = new[path]
            # merged by hand later: the next upgrade merges from the base the team's file comes from
            if path in base:
                bases[path] = base[path]
            else:
                del bases[path]
        elif text is not None and text != current:
            writes[path] = text
    record = Record(__version__, name, bases)
    if not dry_run:  # every file, the removals and the record together, or nothing
        write_files(root, {**writes, RECORD: record_text(record)}, replace=True,
                    remove=tuple(outcome.path for outcome in outcomes if outcome.action == REMOVED))
    return old, record, outcomes


def decide(base: str | None, current: str | None, new: str | None) -> tuple[str, str | None]:
    """What becomes of one file: (action, the text to write, or None to leave it)."""
    if new is None:  # the kit no longer writes it
        if current is None:
            return REMOVED, None
        return (REMOVED, None) if current == base else (KEPT_REMOVED, None)
    if current == new:
        return CURRENT, None
    if base == new:
        return YOURS, None  # the kit did not change it: the team's file (or its deletion) stands
    if current is None:
        return (ADDED, new) if base is None else (KEPT_DELETED, None)
    if current == base:
        return UPDATED, new
    if base is None:
        return CONFLICT, None  # no record of what was written: the team merges by hand
    merged = merge(current, base, new)
    return (MERGED, merged) if merged is not None else (CONFLICT, None)


def merge(current: str, base: str, new: str) -> str | None:
    """`current` with the changes from `base` to `new`, or None where they overlap."""
    git = shutil.which("git")
    if git is None:  # the one well-kept Python three-way merge (breezy's merge3) is GPL: no merge, FILE.new
        return None
    with tempfile.TemporaryDirectory(prefix="foundry-estate-merge-") as folder:
        paths = []
        for name, text in (("yours", current), ("base", base), ("kit", new)):
            paths.append(os.path.join(folder, name))
            with open(paths[-1], "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
        result = subprocess.run([git, "merge-file", "-p", "--quiet", *paths], capture_output=True, check=False)
    if not 0 <= result.returncode <= 127:  # 1..127: that many conflicts; -1 (255): an error
        raise RuntimeError(f"git merge-file failed: {result.stderr.decode('utf-8', 'replace')}")
    return result.stdout.decode("utf-8") if result.returncode == 0 else None


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def template_age(root: str) -> Problem | None:
    """A warning when the project's templates are not the installed kit's (`validate` says it)."""
    record = read_record(root)
    if record is None or record.version == __version__:
        return None
    where = display(os.path.join(root, RECORD))
    if version_key(record.version) < version_key(__version__):
        message = (f"the project's templates (workflows, Makefile, policy pack, schemas, constraints) are from "
                   f"foundry-estate {record.version}; the installed kit is {__version__}: run `foundry-estate upgrade`")
    else:
        message = (f"the project's templates are from foundry-estate {record.version}, newer than the installed "
                   f"{__version__}: install the project's kit (make install)")
    return Problem(Position(where), "", message, "warning")
