"""The kit a diff's base pins: found in the base's requirements.txt (or, in the kit's own
repository, its source), the base planned with it, and said when it cannot be had."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from foundry_estate import __version__
from foundry_estate.cli import main as cli
from foundry_estate.cli.commands import diff as diff_command
from foundry_estate.errors import Position, Problem
from foundry_estate.preview.plan import plan_document, plan_stack
from foundry_estate.project.project import project_of
from foundry_estate.project.stacks import discover
from foundry_estate.repository import base_kit as kits

INSTALLED = __version__
ACCOUNT = "azure-native:cognitiveservices:Account"


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=root, check=True,
                   capture_output=True)


@pytest.fixture
def team(tmp_path, monkeypatch, capsys) -> Path:
    """A project `init` wrote, committed with its kit pinned at 0.0.1, then bumped to the installed kit."""
    assert cli.main(["init", str(tmp_path), "--project", "team"]) == 0
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(requirements.read_text().replace(f"foundry-estate=={INSTALLED}", "foundry-estate==0.0.1"))
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "base")
    requirements.write_text(requirements.read_text().replace("foundry-estate==0.0.1", f"foundry-estate=={INSTALLED}"))
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    return tmp_path


def test_the_base_s_pin_is_read_from_its_requirements(team) -> None:
    assert kits.base_kit(str(team), "HEAD") == kits.BaseKit("0.0.1", "requirements.txt")
    git(team, "commit", "-qam", "bump")
    assert kits.base_kit(str(team), "HEAD") is None, "the installed kit: planned in process"


def test_in_the_kit_s_repository_the_base_s_source_is_its_kit(tmp_path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "foundry-estate"\nversion = "0.3.0"\n')
    (tmp_path / "foundry_estate").mkdir()
    (tmp_path / "foundry_estate" / "program.py").write_text("# v1\n")
    (tmp_path / "README.md").write_text("v1\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "base")
    (tmp_path / "README.md").write_text("v2\n")
    assert kits.base_kit(str(tmp_path), "HEAD") is None, "no file of the kit changed"
    (tmp_path / "foundry_estate" / "program.py").write_text("# v2\n")
    assert kits.base_kit(str(tmp_path), "HEAD") == kits.BaseKit("0.3.0", "its source")


def test_a_base_kit_that_cannot_be_had_is_said_first_and_no_stack_is_unchanged(team, monkeypatch, capsys) -> None:
    def unavailable(kit, base_root):
        raise kits.KitUnavailable("ERROR: No matching distribution found for foundry-estate==0.0.1")
    monkeypatch.setattr(diff_command, "kit_environment", unavailable)
    assert cli.main(["diff", "--base", "HEAD"]) == 2
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "The base pins foundry-estate 0.0.1 (requirements.txt at HEAD), which could not be installed (ERROR: No "
        f"matching distribution found for foundry-estate==0.0.1): both sides are planned with the installed "
        f"foundry-estate {INSTALLED}, so what the kit change does in Azure is not shown, and no stack is called unchanged.")
    assert lines[1] == "Stack dev: no changes from its manifest; what the kit change does is not known (against HEAD)"
    assert cli.main(["diff", "--base", "HEAD", "--format", "markdown"]) == 2
    out = capsys.readouterr().out
    assert out.startswith("> The base pins foundry") and "No changes to any stack" not in out
    assert cli.main(["diff", "--base", "HEAD", "--format", "json"]) == 2
    document = json.loads(capsys.readouterr().out)
    assert document["changed"] is True and document["baseKit"]["unavailable"].startswith("ERROR: No matching")
    assert document["stacks"][0]["status"] == "present"


def test_the_base_is_planned_by_the_kit_it_pins(team, monkeypatch, capsys, tmp_path_factory) -> None:
    """The pinned kit, played by the installed one whose accounts have one more input."""
    older = tmp_path_factory.mktemp("kit") / "foundry-estate"
    older.write_text(f"#!{sys.executable}\n" + """
import json, os, subprocess, sys
done = subprocess.run([sys.executable, "-m", "foundry_estate.cli", *sys.argv[1:]], capture_output=True, text=True)
assert os.environ["FOUNDRY_KIT_TODAY"] == "0001-01-01", "the base is not held to retirements"
document = json.loads(done.stdout)
for stack in document["stacks"]:
    for resource in stack["resources"]:
        if resource["type"] == "%s":
            resource["inputs"]["properties"]["oldInput"] = True
print(json.dumps(document))
""" % ACCOUNT)
    older.chmod(0o755)
    seen = []
    monkeypatch.setattr(diff_command, "kit_environment", lambda kit, base_root: seen.append(kit) or str(older))
    assert cli.main(["diff", "--base", "HEAD"]) == 2
    out = capsys.readouterr().out
    assert seen == [kits.BaseKit("0.0.1", "requirements.txt")]
    assert out.splitlines()[0] == (f"The base is planned with foundry-estate 0.0.1 (requirements.txt at HEAD), the change "
                                   f"with the installed foundry-estate {INSTALLED}: what the kit change does in Azure is "
                                   "part of this diff.")
    assert "Stack dev: 1 to update (against HEAD)" in out and "oldInput" in out, out
    assert "(new stack)" not in out, "the base's cost is read from its plan here too"


def urn(resource) -> str:
    return resource.urn


def test_a_plan_reads_back_from_its_machine_form(team) -> None:
    (stack,) = discover(str(team))
    plan = plan_stack(stack, project_of(stack))
    again = kits.plan_from_document(json.loads(json.dumps(plan_document(plan))), stack, "HEAD", str(team))
    assert sorted(again.resources, key=urn) == sorted(plan.resources, key=urn) and again.quotas == plan.quotas and again.outputs == plan.outputs
    assert again.account_keys == plan.account_keys and again.environment == plan.environment
    assert again.manifest == "HEAD:stacks/dev.yaml"


@pytest.mark.parametrize("text, problem", [
    ("stacks/dev.yaml:3:5: accounts.core.name: warning: too long: 70 characters",
     Problem(Position("HEAD:stacks/dev.yaml", 3, 5), "accounts.core.name", "too long: 70 characters", "warning")),
    ("stacks/dev.yaml:1:1: warning: no owner tag",
     Problem(Position("HEAD:stacks/dev.yaml", 1, 1), "", "no owner tag", "warning")),
    ("stacks/dev.yaml:9:3: accounts.core: has no private endpoint",
     Problem(Position("HEAD:stacks/dev.yaml", 9, 3), "accounts.core", "has no private endpoint")),
    ("something else", Problem(Position("HEAD"), "", "something else")),
])
def test_the_base_kit_s_problems_are_placed_at_the_base(text, problem) -> None:
    assert kits._problem_at(text, "HEAD") == problem
