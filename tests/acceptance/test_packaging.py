"""The kit as a dependency: ranges in pyproject.toml, exact versions in constraints.txt, and the
installs of this repository (make, Pulumi's virtualenv, the policy pack) pinned by them."""

from __future__ import annotations

import ast
import tomllib
from importlib.metadata import version

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from support.examples import REPO


def pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def requirements() -> list[Requirement]:
    project = pyproject()["project"]
    extras = project["optional-dependencies"]
    return [Requirement(text) for text in [*project["dependencies"], *(r for group in extras.values() for r in group)]]


def pins() -> dict[str, str]:
    lines = (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines()
    return {canonicalize_name(name): pinned for name, _, pinned in
            (line.partition("==") for line in lines if line and not line.startswith("#"))}


def test_dependencies_are_ranges_not_pins() -> None:
    for requirement in requirements():
        operators = {spec.operator for spec in requirement.specifier}
        assert operators and operators <= {">=", "<", "!=", "~="}, f"{requirement}: a range, not a pin"


def test_every_dependency_is_pinned_in_the_constraints_inside_its_range() -> None:
    pinned = pins()
    for requirement in requirements():
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{requirement.name} is missing from constraints.txt: run make constraints"
        assert requirement.specifier.contains(pinned[name]), f"constraints.txt pins {name}=={pinned[name]} outside {requirement}"


def test_the_installed_kit_runs_on_the_pinned_versions() -> None:
    for requirement in requirements()[:len(pyproject()["project"]["dependencies"])]:
        assert version(requirement.name) == pins()[canonicalize_name(requirement.name)], requirement.name


def test_the_repository_s_installs_use_the_constraints() -> None:
    assert (REPO / "requirements.txt").read_text().splitlines() == ["-c constraints.txt", "-e ."]
    assert "-c ../constraints.txt" in (REPO / "policy" / "requirements.txt").read_text().splitlines()
    makefile = (REPO / "Makefile").read_text()
    assert "pip install --quiet -r requirements.txt" in makefile
    assert "pip install --quiet -c constraints.txt -e '.[test]'" in makefile


def test_the_wheel_carries_constraints_txt_s_pins_of_what_the_kit_installs() -> None:
    import runpy

    tool = runpy.run_path(str(REPO / "tools" / "shipped_constraints.py"))
    assert (REPO / "foundry_estate" / "constraints.txt").read_text(encoding="utf-8") == tool["shipped"](), (
        "foundry_estate/constraints.txt is not what constraints.txt pins: run `make constraints`")
    assert "foundry_estate = [\"py.typed\", \"constraints.txt\"]" in (REPO / "pyproject.toml").read_text()


def test_a_team_s_installs_need_nothing_but_its_requirements_and_constraints() -> None:
    """Every install line of the scaffold's Makefile and workflows works in a team's repository:
    no editable install of a source tree, no pyproject.toml to cache on."""
    templates = REPO / "foundry_estate" / "repository" / "templates"
    makefile = (templates / "Makefile").read_text()
    assert "pip install --quiet -r requirements.txt\n" in makefile
    assert "pip install --quiet -r requirements.txt 'foundry-estate[live]'\n" in makefile
    assert "install-live:" in (REPO / "Makefile").read_text()
    for workflow in (templates / "workflows").glob("*.yml"):
        text = workflow.read_text()
        assert "pyproject.toml" not in text and "-e ." not in text and "pip install" not in text, workflow.name
        assert "cache-dependency-path: pyproject.toml" not in text
    assert "make install-live PYTHON=python" in (templates / "workflows" / "drift.yml").read_text()


def test_the_type_check_reads_every_azure_native_provider_the_kit_imports() -> None:
    """pyproject's mypy overrides skip azure-native's modules but those of the providers listed;
    a provider the kit starts to use must join the list, or its calls go unchecked."""
    imported = set()
    for folder in ("foundry_estate", "components", "policy"):
        for path in (REPO / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module == "pulumi_azure_native":
                    imported.update(alias.name for alias in node.names)
                elif isinstance(node, (ast.Import, ast.ImportFrom)):
                    names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                    imported.update(name.split(".")[1] for name in names
                                    if name.startswith("pulumi_azure_native.") and name.count(".") >= 1)
    overrides = pyproject()["tool"]["mypy"]["overrides"]
    followed = {module.removeprefix("pulumi_azure_native.").removesuffix(".*")
                for override in overrides if override.get("follow_imports") == "normal"
                for module in ([override["module"]] if isinstance(override["module"], str) else override["module"])
                if module.startswith("pulumi_azure_native.")}
    assert imported and imported <= followed, f"add to pyproject's mypy overrides: {sorted(imported - followed)}"
