"""`foundry-estate init`: a team's own Pulumi project that uses the installed kit.

The files come from the package: `templates/` (with `{{project}}`, `{{name}}`, `{{version}}`
and `{{constraints}}` filled in), the kit's policy pack (`foundry_estate.policy`: the pack's
entry, its PulumiPolicy.yaml and the default guardrails, which the team then makes its own) and
the schemas its manifests name on their `$schema` lines. This repository's own Pulumi.yaml,
__main__.py, policy pack, schemas and workflows are what `init` writes for project
`foundry-kit` (a test holds them equal).

`init` records what it wrote in `.foundry-estate/scaffold.json` (the kit's version, the project
name and each file's text): the base `foundry-estate upgrade` merges the next kit's templates
from (`upgrade.py`). The first stack (`stacks/`) is the team's from the start: not recorded.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable

from foundry_estate import __version__
from foundry_estate.files import write_files
from foundry_estate.errors import KitError, Problem
from foundry_estate.project.stacks import display
from foundry_estate.shipped import POLICY, SCHEMAS

TEMPLATES = "templates"  # a folder of data in foundry_estate.repository
# Where each template lands in the project (templates that keep their path are not listed).
TARGETS = {"gitignore": ".gitignore", "workflows": ".github/workflows"}
POLICY_FILES = ("__main__.py", "PulumiPolicy.yaml", "guardrails.yaml")
# What a team's files name on their `$schema` lines: stacks/*.yaml, policy/guardrails.yaml, catalog/models.yaml
SCHEMA_FILES = ("manifest.schema.json", "guardrails.schema.json", "catalog.schema.json")
PROJECT_NAME = re.compile(r"[A-Za-z0-9_.-]+")
RECORD = ".foundry-estate/scaffold.json"  # what init (then upgrade) wrote: the base of the next upgrade
SEEDS = ("stacks/",)  # written once by init, then the team's own: never recorded, never upgraded
KIT = "foundry-estate"


@dataclass(frozen=True)
class Record:
    """What the kit last wrote into a project: its version, the project name, each file's text."""
    version: str
    project: str
    files: dict[str, str]


def shipped_constraints() -> str:
    """The pins of the exact versions this kit was tested with (the wheel's constraints.txt)."""
    text = files("foundry_estate").joinpath("constraints.txt").read_text(encoding="utf-8")
    return "".join(line + "\n" for line in text.splitlines() if line.strip() and not line.startswith("#"))


def azure_name(project: str) -> str:
    """The project name as a part of Azure names: lowercase letters, digits and single hyphens."""
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9]", "-", project.lower())).strip("-") or "ai"


def render(project: str) -> dict[str, str]:
    """Every file of a new project, by its path relative to the project root."""
    values = {"project": project, "name": azure_name(project), "version": __version__,
              "constraints": shipped_constraints()}
    rendered: dict[str, str] = {}
    for path, text in _walk(files("foundry_estate.repository").joinpath(TEMPLATES), ""):
        first, _, rest = path.partition("/")
        target = os.path.join(TARGETS.get(first, first), rest) if rest else TARGETS.get(path, path)
        rendered[target] = re.sub(r"\{\{(\w+)\}\}", lambda match: values[match.group(1)], text)
    for name in POLICY_FILES:
        rendered[f"policy/{name}"] = files(POLICY).joinpath(name).read_text(encoding="utf-8")
    for name in SCHEMA_FILES:
        rendered[f"schemas/{name}"] = files(SCHEMAS).joinpath(name).read_text(encoding="utf-8")
    return rendered


def recorded(rendered: dict[str, str]) -> dict[str, str]:
    """The rendered files that upgrades keep up to date (all but the seeds)."""
    return {path: text for path, text in rendered.items() if not path.startswith(SEEDS)}


def record_text(record: Record) -> str:
    """The record as JSON, each file a list of its lines, so that git shows an upgrade line by line."""
    document = {"kit": KIT, "version": record.version, "project": record.project,
                "files": {path: text.splitlines(keepends=True) for path, text in sorted(record.files.items())}}
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def read_record(root: str) -> Record | None:
    """The project's record (None if it has none: not written by `init`, or by a kit before records)."""
    path = os.path.join(root, RECORD)
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
        return Record(str(document["version"]), str(document["project"]),
                      {str(name): "".join(lines) for name, lines in document["files"].items()})
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise KitError([Problem.at(display(path), f"not a record `foundry-estate init` or `upgrade` wrote ({error}): "
                                                  "restore it from git")]) from None


def _walk(folder: Traversable, prefix: str) -> list[tuple[str, str]]:
    found = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.startswith("__") and entry.name != "__main__.py" or entry.name.endswith(".pyc"):
            continue  # __init__.py, __pycache__
        if entry.is_dir():
            found += _walk(entry, f"{prefix}{entry.name}/")
        else:
            found.append((f"{prefix}{entry.name}", entry.read_text(encoding="utf-8")))
    return found


def init(directory: str, project: str | None = None) -> list[str]:
    """Write a new project into `directory` (created if needed); never overwrites a file."""
    name = project or os.path.basename(os.path.abspath(directory))
    if not PROJECT_NAME.fullmatch(name):
        raise KitError([Problem.at(display(directory), f"'{name}' cannot be a Pulumi project name: use letters, "
                                                       "digits, '-', '_' and '.' (--project NAME)")])
    rendered = render(name)
    existing = sorted(path for path in [*rendered, RECORD] if os.path.exists(os.path.join(directory, path)))
    if existing:
        raise KitError([Problem.at(display(os.path.join(directory, path)), "already exists: init writes a new "
                                   "project and overwrites nothing (use an empty directory)") for path in existing])
    os.makedirs(directory, exist_ok=True)
    write_files(directory, {**rendered, RECORD: record_text(Record(__version__, name, recorded(rendered)))})
    return sorted(rendered)
