"""The kit a diff's base pins, and the base's plans made with it.

A pull request that takes a new kit (a team's requirements.txt; in the kit's own repository,
its source) changes what the program declares without touching a manifest. Planned with the
installed kit on both sides, such a PR would show nothing. So the base is planned with the kit
it pins:

- the same kit as the one running: in this process, as before;
- another release: a virtualenv per kit under the cache folder (`FOUNDRY_ESTATE_CACHE`, else
  `$XDG_CACHE_HOME/foundry-estate`, else `~/.cache/foundry-estate`), installed from the base's
  own requirements.txt, so with the base's constraints.txt: the versions that kit was tested
  with. In the kit's repository, the base's source tree is installed (with its constraints.txt).
  The base's stacks are planned there by that kit's `foundry-estate plan --format json`, the
  plan's machine form, and read back into plans.
- a kit that cannot be had (no registry, a version that does not exist, a failed build): the
  base is planned with the installed kit, and the diff says so first and calls no stack
  unchanged (`BaseKit.unavailable`).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import venv
from dataclasses import dataclass
from datetime import date
from typing import Any

from foundry_estate import __version__
from foundry_estate.project.project import TODAY_VARIABLE
from foundry_estate.errors import KitError, Position, Problem
from foundry_estate.manifest.fast_schemas import cache_folder
from foundry_estate.manifest.loader import load
from foundry_estate.preview.plan import Plan, PlannedResource, environment_of
from foundry_estate.project.stacks import Stack
from foundry_estate.repository.gitref import changed_files, file_at
from foundry_estate.validate.quota import CoreUse, QuotaUse

KIT = "foundry-estate"
# In the kit's own repository: the files the kit is built from (pyproject's package-dir mapping)
KIT_SOURCES = ("foundry_estate/", "components/", "schemas/", "catalog/", "policy/", "pyproject.toml", "constraints.txt")
CACHE_VARIABLE = "FOUNDRY_ESTATE_CACHE"
READY = "ready"  # written last in a kit's virtualenv: it is complete
_PIN = re.compile(r"^\s*foundry[-_.]estate\s*(?:\[[^\]]*\])?\s*==\s*([^\s;#]+)", re.IGNORECASE | re.MULTILINE)
_PROBLEM = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?P<column>\d+): (?:(?P<path>(?!warning:)[^\s:]+): )?"
                      r"(?P<warning>warning: )?(?P<message>.*)$")


@dataclass(frozen=True)
class BaseKit:
    """The kit the base pins where it is not the one running."""
    version: str
    where: str  # "requirements.txt", or "its source" (the kit's own repository)
    unavailable: str = ""  # why it could not be installed: the base was planned with the running kit

    @property
    def source(self) -> bool:
        return self.where == "its source"

    def note(self, ref: str) -> str:
        """The diff's first line."""
        pinned = f"foundry-estate {self.version} ({self.where} at {ref})"
        if self.unavailable:
            return (f"The base pins {pinned}, which could not be installed ({self.unavailable}): both sides are "
                    f"planned with the installed foundry-estate {__version__}, so what the kit change does in Azure "
                    "is not shown, and no stack is called unchanged.")
        return (f"The base is planned with {pinned}, the change with the installed foundry-estate {__version__}: "
                "what the kit change does in Azure is part of this diff.")


def base_kit(root: str, ref: str) -> BaseKit | None:
    """The kit the project at `ref` pins, when it is not the running one (None: the same)."""
    pyproject = file_at(root, ref, "pyproject.toml")
    project = _kit_project(pyproject)
    if project is not None:  # the kit's own repository: its source at `ref` is the base's kit
        if not any(path.startswith(KIT_SOURCES) for path in changed_files(root, ref)):
            return None
        return BaseKit(str(project.get("version", "?")), "its source")
    match = _PIN.search(file_at(root, ref, "requirements.txt") or "")
    if match is None or match.group(1) == __version__:
        return None
    return BaseKit(match.group(1), "requirements.txt")


def _kit_project(pyproject: str | None) -> dict[str, Any] | None:
    if pyproject is None:
        return None
    try:
        project = tomllib.loads(pyproject).get("project", {})
    except tomllib.TOMLDecodeError:
        return None
    return project if isinstance(project, dict) and project.get("name") == KIT else None


def cache_dir() -> str:
    return os.environ.get(CACHE_VARIABLE) or cache_folder()


def kit_environment(kit: BaseKit, base_root: str) -> str:
    """The `foundry-estate` executable of a virtualenv holding `kit` as the base installs it
    (made once per kit and constraints, then reused); a `KitUnavailable` if it cannot be made."""
    digest = hashlib.sha256()
    for path in _install_inputs(kit, base_root):
        digest.update(path.encode() + b"\0")
        with open(os.path.join(base_root, path), "rb") as handle:
            digest.update(hashlib.sha256(handle.read()).digest())
    folder = os.path.join(cache_dir(), "kits", f"{re.sub(r'[^A-Za-z0-9.+-]', '_', kit.version)}-{digest.hexdigest()[:16]}")
    executable = os.path.join(folder, "bin", "foundry-estate")
    os.makedirs(os.path.dirname(folder), exist_ok=True)
    with open(folder + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one install per kit at a time; the others wait and reuse it
        if os.path.exists(os.path.join(folder, READY)):
            return executable
        shutil.rmtree(folder, ignore_errors=True)  # an install that stopped half-way
        venv.create(folder, with_pip=True)
        if kit.source:
            command = ["-c", os.path.join(base_root, "constraints.txt"), base_root] \
                if os.path.isfile(os.path.join(base_root, "constraints.txt")) else [base_root]
        else:
            command = ["-r", os.path.join(base_root, "requirements.txt")]
        result = subprocess.run([os.path.join(folder, "bin", "python"), "-m", "pip", "install", "--quiet",
                                 "--disable-pip-version-check", *command],
                                capture_output=True, text=True, check=False, cwd=base_root, env=_clean_env())
        if result.returncode != 0 or not os.path.isfile(executable):
            shutil.rmtree(folder, ignore_errors=True)
            raise KitUnavailable(_last_error(result.stderr) or f"pip exited {result.returncode}")
        with open(os.path.join(folder, READY), "w", encoding="utf-8") as handle:
            handle.write(f"{kit.version}\n")
    return executable


def _install_inputs(kit: BaseKit, base_root: str) -> list[str]:
    """The files of the base an install of its kit reads (relative to `base_root`)."""
    if not kit.source:
        return [path for path in ("requirements.txt", "constraints.txt") if os.path.isfile(os.path.join(base_root, path))]
    found = []
    for top in KIT_SOURCES:
        path = os.path.join(base_root, top)
        if os.path.isfile(path):
            found.append(top)
        for folder, directories, files in os.walk(path):
            directories.sort()
            found += sorted(os.path.relpath(os.path.join(folder, name), base_root) for name in files)
    return found


class KitUnavailable(Exception):
    """The base's kit cannot be installed here."""


def _clean_env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}


def _last_error(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip() and not line.startswith("WARNING")]
    errors = [line for line in lines if line.startswith("ERROR")]
    return (errors or lines or [""])[-1][:300]


def plans_with(executable: str, stacks: list[Stack], ref: str, base_root: str) -> dict[str, Plan]:
    """The plans of `stacks` (of the project at `base_root`) made by the kit at `executable`,
    held to the base's guardrails but not to model retirements (as the base is in process)."""
    if not stacks:
        return {}
    command = [executable, "plan", "--format", "json", *(part for stack in stacks for part in ("--stack", stack.name))]
    result = subprocess.run(command, cwd=base_root, capture_output=True, text=True, check=False,
                            env={**_clean_env(), TODAY_VARIABLE: date.min.isoformat()})
    if result.returncode == 1:  # the base's manifests, refused by its kit
        raise KitError([_problem_at(line, ref) for line in result.stderr.splitlines() if line.strip()])
    if result.returncode != 0:
        raise KitUnavailable(f"its plan exited {result.returncode}: {_last_error(result.stderr)}")
    try:
        documents = {document["stack"]: document for document in json.loads(result.stdout)["stacks"]}
    except (ValueError, KeyError, TypeError) as error:
        raise KitUnavailable(f"its plan is not the JSON this kit reads ({error})") from None
    return {stack.name: plan_from_document(documents[stack.name], stack, ref, base_root)
            for stack in stacks if stack.name in documents}


def plan_from_document(document: dict[str, Any], stack: Stack, ref: str, base_root: str) -> Plan:
    """A plan read back from its machine form (`plan --format json`)."""
    resources = tuple(PlannedResource(
        urn=r["urn"], type=r["type"], name=r["name"], azure_name=r.get("azureName"), account=r.get("account"),
        parent=r.get("parent", ""), protect=bool(r.get("protect")), deleted_with=r.get("deletedWith", ""),
        replace_with=tuple(r.get("replaceWith", ())), dependencies=tuple(r.get("dependencies", ())),
        inputs=r.get("inputs", {}), import_id=r.get("importId", "")) for r in document.get("resources", ()))
    manifest = os.path.relpath(stack.manifest_file, base_root)
    return Plan(
        stack=stack.name,
        manifest=f"{ref}:{manifest}",
        resources=resources,
        outputs=document.get("outputs", {}),
        quotas=tuple(QuotaUse(q["location"], q["sku"], q["model"], q["requested"], q.get("limit"), tuple(q["deployments"]))
                     for q in document.get("quotas", ())),
        core_quotas=tuple(CoreUse(q["location"], q["vmFamily"], q["requested"], q.get("limit"), tuple(q["deployments"]))
                          for q in document.get("coreQuotas", ())),
        account_keys=_account_keys(stack),
        warnings=tuple(_problem_at(text, ref) for text in document.get("warnings", ())),
        environment=environment_of(stack),
    )


def _account_keys(stack: Stack) -> dict[str, str]:
    """The Azure name of each account and hub of the stack's manifest -> its key there."""
    try:
        data = load(stack.manifest_file).data
    except KitError:
        return {}
    keys = {}
    for section in ("accounts", "hubs"):
        entries = data.get(section) if isinstance(data, dict) else None
        for key, entry in (entries.items() if isinstance(entries, dict) else ()):
            if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                keys[entry["name"]] = key
    return keys


def _problem_at(text: str, ref: str) -> Problem:
    """A problem the base's kit printed (`file:line:column: path: message`), placed at `ref`."""
    match = _PROBLEM.match(text)
    if match is None:
        return Problem.at(ref, text)
    position = Position(f"{ref}:{match['file']}", int(match["line"]), int(match["column"]))
    return Problem(position, match["path"] or "", match["message"], "warning" if match["warning"] else "error")
