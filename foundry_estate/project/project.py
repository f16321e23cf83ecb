"""The project, resolved once by an entry point and handed down.

An entry point (a CLI command, the Pulumi program, the policy pack) resolves the `Project`: the
directory of its Pulumi.yaml, its name and program, the catalog with the team's own entries,
the guardrails file, and the day lifecycle rules compare with. Everything below takes it as a
value: nothing under the entry points looks for Pulumi.yaml or reads the process environment.

The project also validates: `checked` reads and checks a manifest once per command (a plan, the
program it runs under the mock engine and the pooled quota all ask for the same stack), and
`validated` holds it to an environment's guardrails.

The mock engine runs the program in a context of its own and hands it the project it planned
with (`handed`), as the Pulumi CLI hands a program its stack and config: the program validates
with the same catalog, guardrails and day, and finds the manifest already checked.
"""

from __future__ import annotations

import os
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property

from foundry_estate.catalog.checks import CatalogOptions
from foundry_estate.catalog.models import Catalog, project_catalog
from foundry_estate.catalog.prices import PriceTable, project_prices
from foundry_estate.errors import KitError, Position, Problem
from foundry_estate.guardrails.config import Guardrails, guardrails_file, load_guardrails
from foundry_estate.manifest.document import Document
from foundry_estate.manifest.loader import load, load_project_file
from foundry_estate.paths import PROJECT_FILE, display, find_root
from foundry_estate.project.stacks import PROGRAM_FILE, Stack
from foundry_estate.validate import Validated, checked, guarded

TODAY_VARIABLE = "FOUNDRY_KIT_TODAY"  # YYYY-MM-DD: what an entry point takes for today (tests pin it)
DEFAULT_PROJECT = "foundry-kit"  # the project name outside any project (a bare manifest)


@dataclass(frozen=True)
class Checked:
    """A manifest read and checked: its document (positions) and the typed manifest with its warnings."""
    document: Document
    validated: Validated


@dataclass(frozen=True, eq=False)
class Project:
    """A Pulumi project as an entry point resolved it. `root` is None outside any project (a
    bare manifest): the kit's own catalog, guardrails and program then apply."""
    root: str | None
    name: str
    program: str  # the program file ("" outside a project: the kit's own program)
    today: date
    # deployments known to run in Azure (`diff`'s base), (account, deployment, model, version) in
    # lower case: a retired version one of them runs is a warning, not a refusal (`CatalogOptions.running`)
    running: frozenset[tuple[str, str, str, str]] = frozenset()
    _read: dict[str, Document | KitError] = field(default_factory=dict, repr=False)
    _checked: dict[tuple[object, ...], Checked | KitError] = field(default_factory=dict, repr=False)

    @cached_property
    def catalog(self) -> Catalog:
        """The kit's catalog with the team's own entries (`catalog/models.yaml` in the root)."""
        return project_catalog(self.root)

    @cached_property
    def guardrails_file(self) -> str:
        """`policy/guardrails.yaml` of the project, else the kit's own."""
        return guardrails_file(self.root)

    @cached_property
    def prices(self) -> PriceTable:
        """The kit's price table with the team's own entries (`catalog/prices.yaml` in the root)."""
        return project_prices(self.root)

    @property
    def guardrails(self) -> Guardrails:
        """The guardrails (read when first asked: a broken file is a problem only where they apply)."""
        return load_guardrails(self.guardrails_file)

    def options(self, horizon_days: int | None = None, strict: bool = False) -> CatalogOptions:
        """How manifests of this project are held to the catalog: its catalog, its day."""
        base = CatalogOptions(today=self.today, catalog=self.catalog, strict=strict, running=self.running or None)
        return base if horizon_days is None else replace(base, horizon_days=horizon_days)

    def on(self, day: date) -> Project:
        """The same project with lifecycle rules held to `day` (its own record of what was checked)."""
        return replace(self, today=day, _read={}, _checked={})

    def knowing_running(self, running: frozenset[tuple[str, str, str, str]]) -> Project:
        """The same project, knowing that these deployments already run in Azure."""
        return replace(self, running=self.running | running, _read={}, _checked={})

    def confinement(self, manifest_file: str) -> str:
        """The directory `extends` may not leave: the project's, for a manifest in it; else the
        manifest's own (a bare manifest elsewhere)."""
        directory = os.path.realpath(os.path.dirname(os.path.abspath(manifest_file)))
        root = os.path.realpath(self.root) if self.root else None
        return root if root and (directory == root or directory.startswith(root + os.sep)) else directory

    def checked(self, manifest_file: str, options: CatalogOptions | None = None) -> Checked:
        """The manifest read and checked (schema, cross-checks, catalog), once per file and options:
        a `KitError` with every problem if it is not valid (asked again, the same error)."""
        options = options or self.options()
        key = (os.path.realpath(manifest_file), options.today, options.horizon_days, options.strict, id(options.catalog), options.running)
        if key not in self._checked:
            try:
                document = self.document(manifest_file)
                self._checked[key] = Checked(document, checked(document, options))
            except KitError as error:
                self._checked[key] = error
        found = self._checked[key]
        if isinstance(found, KitError):
            raise KitError(found.problems)
        return found

    def document(self, manifest_file: str) -> Document:
        """The manifest read (positions kept, `extends` resolved inside the project), once per command."""
        key = os.path.realpath(manifest_file)
        if key not in self._read:
            try:
                self._read[key] = load(manifest_file, root=self.confinement(manifest_file))
            except KitError as error:
                self._read[key] = error
        found = self._read[key]
        if isinstance(found, KitError):
            raise KitError(found.problems)
        return found

    def validated(self, manifest_file: str, environment: str | None = None,
                  options: CatalogOptions | None = None) -> Validated:
        """The manifest checked, and held to the guardrails of `environment` when one applies."""
        found = self.checked(manifest_file, options)
        if environment is None:
            return found.validated
        return guarded(found.document, found.validated, environment, self.guardrails, self.prices)


def pinned_today() -> date:
    """The day an entry point takes for today: FOUNDRY_KIT_TODAY (YYYY-MM-DD) when set, else the
    system date. Only the entry points ask, once; what they resolve is handed down."""
    value = os.environ.get(TODAY_VARIABLE, "")
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise KitError([Problem.at(TODAY_VARIABLE, f"'{value}' is not a date: write it YYYY-MM-DD, or unset it")]) from None


def project_file(root: str) -> tuple[str, str]:
    """The name and the program file of the project whose Pulumi.yaml is in `root` (its `main`
    option may move the program)."""
    path = os.path.join(root, PROJECT_FILE)
    data = load_project_file(path)
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise KitError([Problem(Position(display(path)), "name", "the project needs a name (name: my-project)")])
    main = data.get("main")
    program = os.path.join(root, main if isinstance(main, str) else "")
    return name.strip(), program if program.endswith(".py") else os.path.join(program, PROGRAM_FILE)


def load_project(root: str, today: date | None = None) -> Project:
    """The project whose Pulumi.yaml is in `root`, held to `today` (default: `pinned_today`)."""
    return Project(root, *project_file(root), today or pinned_today())


def outside_any_project(today: date | None = None) -> Project:
    """What applies to a manifest outside any project: the kit's catalog, guardrails and program."""
    return Project(None, DEFAULT_PROJECT, "", today or pinned_today())


def resolve(start: str = ".", today: date | None = None) -> Project:
    """The project of the nearest Pulumi.yaml at or above `start`, else none: for entry points."""
    root = find_root(start)
    return load_project(root, today) if root else outside_any_project(today)


def project_of(stack: Stack, today: date | None = None) -> Project:
    """The project of `stack`, for entry points: the nearest Pulumi.yaml above its config file
    (or its manifest), else above the working directory."""
    root = find_root(os.path.dirname(os.path.abspath(stack.config_file or stack.manifest_file))) or find_root()
    return load_project(root, today) if root else outside_any_project(today)


HANDED: ContextVar[Project | None] = ContextVar("foundry_estate.project", default=None)


def handed() -> Project | None:
    """The project the mock engine runs the program for (None under the Pulumi CLI)."""
    return HANDED.get()
