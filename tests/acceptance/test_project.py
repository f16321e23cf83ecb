"""A team's own project: `foundry-estate init` writes it, `stack new` adds stacks that collide with
none, `stack list` orders them for deploys, and this repository is what `init` writes for
project `foundry-kit` (its first consumer)."""

from __future__ import annotations

import json
import os
import shutil
from importlib.metadata import version
from pathlib import Path

import pytest

from foundry_estate.cli import main as cli
from foundry_estate.manifest.loader import load, load_stack_config
from foundry_estate.repository.new_stack import names_of
from foundry_estate.repository.scaffold import render
from foundry_estate.project.stacks import discover
from support.examples import REPO

# The repository's own files that `init` writes; its requirements.txt, Makefile, README and
# stacks are the kit's development set-up and examples instead.
SAME_AS_INIT = ["Pulumi.yaml", "__main__.py", "policy/__main__.py", "policy/PulumiPolicy.yaml", "policy/guardrails.yaml",
                "schemas/manifest.schema.json", "schemas/guardrails.schema.json", "schemas/catalog.schema.json"]


def test_this_repository_is_what_init_writes_for_project_foundry_estate() -> None:
    rendered = render("foundry-kit")
    workflows = sorted(p.relative_to(REPO).as_posix() for p in (REPO / ".github" / "workflows").glob("*.yml"))
    templates = sorted(path for path in rendered if path.startswith(".github/workflows/"))
    assert workflows == templates, (
        "every workflow of this repository is one `init` writes a team: copy a new workflow into "
        f"foundry_estate/repository/templates/workflows/ (repository: {workflows}, templates: {templates})")
    for path in SAME_AS_INIT + workflows:
        assert (REPO / path).read_text(encoding="utf-8") == rendered[path], (
            f"{path} differs from what `foundry-estate init --project foundry-kit` writes "
            f"(foundry_estate/repository/templates/): change both")


def test_init_writes_a_project_that_plans_under_its_own_name(tmp_path, monkeypatch, capsys) -> None:
    assert cli.main(["init", str(tmp_path / "team"), "--project", "Contoso_AI"]) == 0
    project = tmp_path / "team"
    assert (project / "Pulumi.yaml").read_text().startswith("name: Contoso_AI\n")
    requirements = [line for line in (project / "requirements.txt").read_text().splitlines() if not line.startswith("#")]
    assert requirements == ["-c constraints.txt", f"foundry-estate=={version('foundry-estate')}"]
    assert load_stack_config(str(project / "stacks" / "Pulumi.dev.yaml"))["foundry-kit:environment"] == "dev"
    assert load(str(project / "stacks" / "dev.yaml")).data["accounts"]["core"]["name"] == "aif-contoso-ai-dev"
    monkeypatch.chdir(project)
    capsys.readouterr()
    assert cli.main(["validate"]) == 0
    assert capsys.readouterr().out == "1 manifest valid: stacks/dev.yaml\n"
    assert cli.main(["plan", "--format", "json"]) == 0
    urns = [r["urn"] for stack in json.loads(capsys.readouterr().out)["stacks"] for r in stack["resources"]]
    assert urns and all(urn.startswith("urn:pulumi:dev::Contoso_AI::") for urn in urns)


def test_init_overwrites_nothing(tmp_path, capsys) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: theirs\n")
    assert cli.main(["init", str(tmp_path)]) == 1
    assert capsys.readouterr().err.startswith(f"{tmp_path / 'Pulumi.yaml'}:1:1: already exists: init writes a new project")
    assert (tmp_path / "Pulumi.yaml").read_text() == "name: theirs\n"
    assert not (tmp_path / "__main__.py").exists()


@pytest.fixture
def copy(tmp_path, monkeypatch) -> Path:
    """This repository's project files (no tests, no kit) in a scratch directory, as the working directory."""
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(REPO / name, tmp_path / name)
    shutil.copytree(REPO / "stacks", tmp_path / "stacks")
    shutil.copytree(REPO / "policy", tmp_path / "policy")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def azure_names(root: Path) -> dict[str, set[str]]:
    return {stack.name: {name.lower() for _rule, _path, name in names_of(load(stack.manifest_file).data)}
            for stack in discover(str(root))}


def test_stack_new_copies_a_stack_with_names_no_other_stack_uses(copy, capsys) -> None:
    source = sorted(azure_names(copy))[0]
    assert cli.main(["stack", "new", "qa", "--from", source]) == 0, capsys.readouterr()
    assert cli.main(["stack", "new", "qa2", "--from", "qa"]) == 0, capsys.readouterr()
    names = azure_names(copy)
    for stack, own in names.items():
        others = set().union(*(theirs for other, theirs in names.items() if other != stack))
        assert not own & others, f"{stack} shares {own & others}"
    assert len(names["qa"]) == len(names[source])
    config = load_stack_config(str(copy / "stacks" / "Pulumi.qa.yaml"))
    assert config["foundry-kit:environment"] == source
    assert not any(isinstance(value, dict) for value in config.values()), "no secrets of another stack"
    capsys.readouterr()
    assert cli.main(["validate"]) == 0, capsys.readouterr().out
    assert cli.main(["plan", "--stack", "qa2"]) == 0


def test_stack_new_keeps_the_layout_and_comments_of_the_copied_manifest(copy, capsys) -> None:
    (copy / "stacks" / "Pulumi.lab.yaml").write_text("config: {}\n")
    (copy / "stacks" / "lab.yaml").write_text(
        "# the lab\nversion: 1\nlocation: eastus2\ntags: {owner: me, environment: lab}\n"
        "resourceGroup: {name: \"rg-lab\"}   # kept\naccounts:\n  core:\n    name: aif-lab-x\n    subdomain: team-x\n")
    assert cli.main(["stack", "new", "lab2", "--from", "lab", "--environment", "dev"]) == 0, capsys.readouterr()
    assert (copy / "stacks" / "lab2.yaml").read_text() == (
        "# the lab2\nversion: 1\nlocation: eastus2\ntags: {owner: me, environment: dev}\n"
        "resourceGroup: {name: \"rg-lab2\"}   # kept\naccounts:\n  core:\n    name: aif-lab2-x\n    subdomain: team-x-lab2\n")
    # after every stack, lab's default order (100) included
    assert load_stack_config(str(copy / "stacks" / "Pulumi.lab2.yaml")) == {"foundry-kit:environment": "dev",
                                                                             "foundry-kit:deployOrder": 101}


def test_stack_new_refuses_an_existing_stack_and_an_unknown_source(copy, capsys) -> None:
    existing = discover(str(copy))[0].name
    assert cli.main(["stack", "new", existing]) == 1
    assert f"stack {existing} already exists" in capsys.readouterr().err
    assert cli.main(["stack", "new", "x", "--from", "nope"]) == 1
    assert "no stack nope to copy (--from)" in capsys.readouterr().err


def test_stack_list_is_in_deploy_order_then_by_name(copy, capsys) -> None:
    for name, order in (("b", "5"), ("a", "5"), ("z", None)):
        (copy / "stacks" / f"Pulumi.{name}.yaml").write_text(
            "config:\n  foundry-kit:environment: dev\n" + (f"  foundry-kit:deployOrder: {order}\n" if order else ""))
    assert cli.main(["stack", "list", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    ordered = [entry["stack"] for entry in listed]
    assert ordered.index("a") < ordered.index("b") < ordered.index("z") == len(ordered) - 1
    assert {"stack": "z", "environment": "dev"} in listed


def test_a_deploy_order_that_is_not_a_number_is_a_user_error(copy, capsys) -> None:
    (copy / "stacks" / "Pulumi.odd.yaml").write_text("config:\n  foundry-kit:deployOrder: first\n")
    assert cli.main(["stack", "list"]) == 1
    assert capsys.readouterr().err == (
        "stacks/Pulumi.odd.yaml:1:1: foundry-kit:deployOrder: must be a whole number (smaller deploys first), not 'first'\n")


PROJECT_CATALOG = """version: 1
models:
  - format: OpenAI
    name: gpt-5.1
    source: https://example.com/our-notes
    checked: "2026-11-27"
    versions:
      "2025-11-13":
        lifecycle: {status: deprecating, deprecates: "2026-11-13", retires: "2026-12-01"}
  - format: OpenAI
    name: gpt-6-preview
    source: https://example.com/our-notes
    checked: "2026-11-27"
    versions:
      "2026-11-20":
        lifecycle: {status: preview}
"""


def test_a_project_catalog_adds_and_overrides_entries_and_validate_names_its_file(tmp_path, monkeypatch, capsys) -> None:
    assert cli.main(["init", str(tmp_path), "--project", "team"]) == 0
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FOUNDRY_KIT_TODAY", "2026-11-28")
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "models.yaml").write_text(PROJECT_CATALOG)
    capsys.readouterr()
    assert cli.main(["validate"]) == 0
    assert capsys.readouterr().out == (
        "stacks/dev.yaml:13:57: accounts.core.deployments.chat.model.version: warning: gpt-5.1 version 2025-11-13 "
        "retires on 2026-12-01, in 3 days: plan a move to a current model before then (catalog entry from "
        "https://example.com/our-notes) [this project's catalog entry: catalog/models.yaml:3:5]\n"
        "1 manifest valid (1 warning): stacks/dev.yaml\n")
    manifest = tmp_path / "stacks" / "dev.yaml"
    manifest.write_text(manifest.read_text().replace('name: gpt-5.1, version: "2025-11-13"',
                                                     'name: gpt-6-preview, version: "2026-11-20"'))
    assert cli.main(["validate", "--environment", "prod", "stacks/dev.yaml"]) == 1
    out = capsys.readouterr().out
    assert "not in the kit's catalog" not in out and "deployment-approved-model: model 'gpt-6-preview'" in out


def test_a_broken_project_catalog_is_reported_at_its_line(tmp_path, monkeypatch, capsys) -> None:
    assert cli.main(["init", str(tmp_path), "--project", "team"]) == 0
    monkeypatch.chdir(tmp_path)
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "models.yaml").write_text("version: 1\nmodels:\n  - format: OpenAI\n")
    capsys.readouterr()
    assert cli.main(["validate"]) == 1
    assert capsys.readouterr().out.startswith("catalog/models.yaml:3:5: models[0]: ")


def test_stack_new_deploys_after_the_last_and_renames_what_names_the_copied_stack(tmp_path, monkeypatch, capsys) -> None:
    assert cli.main(["init", str(tmp_path), "--project", "team"]) == 0
    monkeypatch.chdir(tmp_path)
    assert cli.main(["stack", "new", "staging"]) == 0
    cli.main(["stack", "new", "prod", "--environment", "prod"])  # the guardrails of prod refuse dev's account: exit 1
    assert cli.main(["stack", "new", "sandbox", "--order", "0"]) == 0
    capsys.readouterr()
    assert cli.main(["stack", "list"]) == 0
    assert capsys.readouterr().out == "sandbox\tdev\ndev\tdev\nstaging\tdev\nprod\tprod\n"
    assert load_stack_config(str(tmp_path / "stacks" / "Pulumi.prod.yaml"))["foundry-kit:deployOrder"] == 3
    prod = (tmp_path / "stacks" / "prod.yaml").read_text()
    assert prod.startswith("# yaml-language-server: $schema=../schemas/manifest.schema.json\n"
                           "# The manifest of stack prod: what `pulumi up --stack prod` builds")
    assert "tags: {environment: prod, owner: team-team, project: team}" in prod
    staging = (tmp_path / "stacks" / "staging.yaml").read_text()
    assert "# The manifest of stack staging:" in staging
    assert "tags: {environment: dev, owner: team-team, project: team}" in staging, "still in environment dev"


def test_tags_and_comments_are_renamed_where_they_name_the_stack_or_environment_as_a_word(copy, capsys) -> None:
    (copy / "stacks" / "Pulumi.lab.yaml").write_text("config:\n  foundry-kit:environment: test\n")
    (copy / "stacks" / "lab.yaml").write_text(
        "# lab: the lab's stack, 'lab' # labs stay\nversion: 1\nlocation: eastus2\n"
        "tags: {owner: me, environment: test, cost: lab-7, note: 'lab # here'}\n"
        "resourceGroup: {name: rg-lab}\n")
    cli.main(["stack", "new", "qa", "--from", "lab", "--environment", "acceptance"])  # invalid (no accounts): exit 1
    assert (copy / "stacks" / "qa.yaml").read_text() == (
        "# qa: the qa's stack, 'qa' # labs stay\nversion: 1\nlocation: eastus2\n"
        "tags: {owner: me, environment: acceptance, cost: qa-7, note: 'qa # here'}\n"
        "resourceGroup: {name: rg-qa}\n")


def test_the_schema_lines_of_a_new_project_resolve(tmp_path) -> None:
    assert cli.main(["init", str(tmp_path), "--project", "team"]) == 0
    lines = {path: line for path in tmp_path.rglob("*.yaml")
             for line in path.read_text().splitlines() if "$schema=" in line}
    assert set(lines) >= {tmp_path / "stacks" / "dev.yaml", tmp_path / "policy" / "guardrails.yaml"}
    for path, line in lines.items():
        schema = (path.parent / line.split("$schema=", 1)[1].strip()).resolve()
        assert schema.is_file(), f"{path}: {line}"
        assert json.loads(schema.read_text())["$id"].endswith(schema.name)


def test_init_pins_the_kit_and_its_dependencies_as_this_repository_tested_them(tmp_path) -> None:
    assert cli.main(["init", str(tmp_path), "--project", "team"]) == 0
    ours = {line.split("==")[0].lower().replace("_", "-"): line for line in
            (REPO / "constraints.txt").read_text().splitlines() if line and not line.startswith("#")}
    theirs = [line for line in (tmp_path / "constraints.txt").read_text().splitlines() if line and not line.startswith("#")]
    assert {"pulumi", "pulumi-azure-native", "pyyaml", "jsonschema", "azure-identity"} <= {
        line.split("==")[0].lower().replace("_", "-") for line in theirs}
    for line in theirs:
        assert ours[line.split("==")[0].lower().replace("_", "-")] == line, f"{line}: not what this repository tests"
    assert "-c constraints.txt" in (tmp_path / "requirements.txt").read_text().splitlines()
    assert (tmp_path / "policy" / "requirements.txt").read_text().splitlines()[-1] == "-r ../requirements.txt"
