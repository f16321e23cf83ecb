"""`foundry-estate init`: a team's own Pulumi project that uses the installed kit.

The files come from the package: `templates/` (with `{{project}}`, `{{name}}` and `{{version}}`
filled in) and the kit's policy pack (`foundry_estate.policy`: the pack's entry, its
PulumiPolicy.yaml and the default guardrails, which the team then makes its own). This
repository's own Pulumi.yaml, __main__.py, policy pack and workflows are what `init` writes for
project `foundry-kit` (a test holds them equal).
"""

from __future__ import annotations

import os
import re
from importlib.resources import files
from importlib.resources.abc import Traversable

from foundry_estate import __version__
from foundry_estate.errors import KitError, Problem
from foundry_estate.project.stacks import display
from foundry_estate.shipped import POLICY

TEMPLATES = "templates"  # a folder of data in foundry_estate.repository
# Where each template lands in the project (templates that keep their path are not listed).
TARGETS = {"gitignore": ".gitignore", "workflows": ".github/workflows"}
POLICY_FILES = ("__main__.py", "PulumiPolicy.yaml", "guardrails.yaml")
PROJECT_NAME = re.compile(r"[A-Za-z0-9_.-]+")


def azure_name(project: str) -> str:
    """The project name as a part of Azure names: lowercase letters, digits and single hyphens."""
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9]", "-", project.lower())).strip("-") or "ai"


def render(project: str) -> dict[str, str]:
    """Every file of a new project, by its path relative to the project root."""
    values = {"project": project, "name": azure_name(project), "version": __version__}
    rendered: dict[str, str] = {}
    for path, text in _walk(files("foundry_estate.repository").joinpath(TEMPLATES), ""):
        first, _, rest = path.partition("/")
        target = os.path.join(TARGETS.get(first, first), rest) if rest else TARGETS.get(path, path)
        rendered[target] = re.sub(r"\{\{(\w+)\}\}", lambda match: values[match.group(1)], text)
    for name in POLICY_FILES:
        rendered[f"policy/{name}"] = files(POLICY).joinpath(name).read_text(encoding="utf-8")
    return rendered


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
    existing = sorted(path for path in rendered if os.path.exists(os.path.join(directory, path)))
    if existing:
        raise KitError([Problem.at(display(os.path.join(directory, path)), "already exists: init writes a new "
                                   "project and overwrites nothing (use an empty directory)") for path in existing])
    for path, text in rendered.items():
        target = os.path.join(directory, path)
        os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(text)
    return sorted(rendered)
