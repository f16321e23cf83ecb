"""The guardrails file (`policy/guardrails.yaml`): loaded, validated, typed, resolved per environment.

It is read like a manifest (by the loader, so bad YAML, duplicate keys and schema errors are
reported at their line) and validated against `schemas/guardrails.schema.json`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path as FilePath
from typing import Any, Iterator, Mapping

from foundry_estate.manifest.data_file import load_data_file
from foundry_estate.manifest.document import Document, Path
from foundry_estate.manifest.reading import did_you_mean
from foundry_estate.errors import Problem
from foundry_estate.shipped import POLICY, shipped_file
from foundry_estate.guardrails.checks import CHECKS, DEPLOYMENT_CHECKS

GUARDRAILS_FILE = os.path.join("policy", "guardrails.yaml")
"""Where a project keeps its guardrails, relative to its root (the directory of Pulumi.yaml)."""
DEFAULT_FILE = FilePath(shipped_file(POLICY, "guardrails.yaml"))
"""The kit's own guardrails, for manifests outside a project that has its own."""


@dataclass(frozen=True)
class ResolvedRule:
    """A rule as it applies in one environment."""

    id: str
    check: str
    description: str
    level: str  # mandatory | advisory
    enabled: bool
    environment: str
    parameters: Mapping[str, Any] = field(default_factory=dict)
    formats: tuple[str, ...] | None = None  # scope: only deployments of these model formats

    def applies_to(self, model_format: str | None) -> bool:
        return self.formats is None or model_format in self.formats


@dataclass(frozen=True)
class Rule:
    id: str
    check: str
    description: str
    level: str
    enabled: bool
    parameters: Mapping[str, Any]
    formats: tuple[str, ...] | None
    environments: Mapping[str, Mapping[str, Any]]

    def resolve(self, environment: str, label: str | None = None) -> ResolvedRule:
        """The rule's own settings, changed by `environments.<environment>` where it says so;
        messages name the environment `label` (default: `environment`)."""
        override = self.environments.get(environment, {})
        return ResolvedRule(
            id=self.id, check=self.check, description=self.description,
            level=override.get("level", self.level),
            enabled=override.get("enabled", self.enabled),
            environment=label or environment,
            parameters={**self.parameters, **(override.get("parameters") or {})},
            formats=self.formats)


AS_WRITTEN = "production"
"""How messages name an environment the guardrails do not know: it gets every rule as written."""


@dataclass(frozen=True)
class Guardrails:
    file: str
    rules: tuple[Rule, ...]
    listed: Mapping[str, str] = field(default_factory=dict)  # the top-level `environments`: name -> what it is

    @property
    def environments(self) -> tuple[str, ...]:
        """Every environment the file names (in `environments` or under a rule), sorted."""
        return tuple(sorted(set(self.listed).union(*(rule.environments for rule in self.rules))))

    def knows(self, environment: str) -> bool:
        return environment in self.listed or any(environment in rule.environments for rule in self.rules)

    def for_environment(self, environment: str) -> tuple[ResolvedRule, ...]:
        """Every rule as it applies in `environment`, disabled ones included (the pack lists them).
        An environment the file does not know gets each rule as written, and messages call it
        production rather than by a name the file never gave settings to."""
        label = environment if self.knows(environment) else AS_WRITTEN
        return tuple(rule.resolve(environment, label) for rule in self.rules)


def guardrails_file(root: str | None) -> str:
    """`policy/guardrails.yaml` of the project at `root`, else the kit's own."""
    candidate = os.path.join(root, GUARDRAILS_FILE) if root else None
    return candidate if candidate and os.path.isfile(candidate) else str(DEFAULT_FILE)


def load_guardrails(path: str | os.PathLike[str] | None = None) -> Guardrails:
    """Read and validate a guardrails file (default: the kit's own `policy/guardrails.yaml`).
    Raises `KitError` with every problem, positioned in that file."""
    path = str(path if path is not None else DEFAULT_FILE)
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError:
        stamp = 0  # the loader reports the unreadable file
    return _load(os.path.abspath(path), stamp, _display(path))


@lru_cache(maxsize=8)
def _load(_absolute: str, _stamp: int, path: str) -> Guardrails:
    """Cached per file and version: `validate` asks once per manifest."""
    document = load_data_file(path, "guardrails", _file_problems)
    return Guardrails(path, tuple(_rule(rule_id, spec) for rule_id, spec in document.data["rules"].items()),
                      dict(document.data.get("environments") or {}))


def _file_problems(document: Document) -> Iterator[Problem]:
    listed = list(document.data.get("environments") or {})
    for rule_id, spec in document.data["rules"].items():
        for name in (spec.get("environments") or {}) if listed else ():
            if name not in listed:
                yield document.problem(("rules", rule_id, "environments", name),
                                       f"environment '{name}' is not listed in environments{did_you_mean(name, listed)}: "
                                       "list it there too, or correct the name", prefer_key=True)
        check = spec.get("check", rule_id)
        if "scope" in spec and check not in DEPLOYMENT_CHECKS:
            path: Path = ("rules", rule_id, "scope")
            subject = "accounts" if check.startswith("account-") else "the whole stack"
            yield document.problem(path, f"'{check}' checks {subject}: scope (model formats) applies only to "
                                         "deployment and content-filter rules", prefer_key=True)


def _rule(rule_id: str, spec: Mapping[str, Any]) -> Rule:
    check = spec.get("check", rule_id)
    assert check in CHECKS, "the schema admits only known checks"
    scope = spec.get("scope")
    return Rule(
        id=rule_id, check=check, description=spec["description"], level=spec["level"],
        enabled=spec.get("enabled", True), parameters=dict(spec.get("parameters") or {}),
        formats=tuple(scope["formats"]) if scope else None,
        environments={name: dict(override) for name, override in (spec.get("environments") or {}).items()})


def _display(path: str) -> str:
    """The path as messages show it: relative to the working directory when under it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative
