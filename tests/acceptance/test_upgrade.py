"""`foundry-estate upgrade`: a team's project takes the installed kit's templates, as `copier
update` does: untouched files replaced, the team's edits merged in or kept with the kit's
version beside them, nothing of the team's lost; `validate` says when the templates are older.

A newer kit is simulated in-process: its version and what it renders are swapped in.
"""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

import pytest

from foundry_estate.cli import main as cli
from foundry_estate.repository import scaffold, upgrade

OLD = version("foundry-estate")


@pytest.fixture
def project(tmp_path, monkeypatch, capsys) -> Path:
    """A project `init` wrote with the installed kit, as the working directory."""
    assert cli.main(["init", str(tmp_path / "team"), "--project", "team-ai"]) == 0
    monkeypatch.chdir(tmp_path / "team")
    capsys.readouterr()
    return tmp_path / "team"


def next_kit(monkeypatch, change) -> None:
    """Make the installed kit 99.0.0, whose templates are this kit's changed by `change(files)`."""
    real = scaffold.render

    def render(project: str) -> dict[str, str]:
        files = real(project)
        change(files)
        return files
    monkeypatch.setattr(upgrade, "render", render)
    monkeypatch.setattr(upgrade, "__version__", "99.0.0")


MAKEFILE_LINE = "install: $(BIN)/python\n"


def kit_changes(files: dict[str, str]) -> None:
    files["Makefile"] = files["Makefile"].replace(MAKEFILE_LINE, "# kit 99: a new target\ncheck: validate\n\n" + MAKEFILE_LINE)
    files["README.md"] += "\nUpgrading: foundry-estate upgrade.\n"
    files[".github/workflows/preview.yml"] = files[".github/workflows/preview.yml"].replace(
        "timeout-minutes: 30", "timeout-minutes: 45")
    files["schemas/manifest.schema.json"] = files["schemas/manifest.schema.json"].replace(
        '"$id"', '"description": "kit 99",\n  "$id"', 1)
    files[".github/workflows/audit.yml"] = "name: audit\n"  # new in kit 99
    del files["policy/requirements.txt"]  # no longer written by kit 99


def test_init_records_what_it_wrote_except_the_first_stack(project) -> None:
    record = json.loads((project / ".foundry-estate" / "scaffold.json").read_text())
    assert (record["kit"], record["version"], record["project"]) == ("foundry-estate", OLD, "team-ai")
    assert "Makefile" in record["files"] and not any(path.startswith("stacks/") for path in record["files"])
    for path, lines in record["files"].items():
        assert (project / path).read_text() == "".join(lines), path


def test_an_upgrade_replaces_merges_keeps_and_loses_nothing(project, monkeypatch, capsys) -> None:
    makefile = (project / "Makefile").read_text()
    (project / "Makefile").write_text(makefile + "\n# ours: a target of the team\nours:\n\techo ours\n")
    preview = project / ".github" / "workflows" / "preview.yml"
    preview.write_text(preview.read_text().replace("timeout-minutes: 30", "timeout-minutes: 20"))  # overlaps the kit's
    (project / "README.md").unlink()
    (project / "policy" / "requirements.txt").write_text("-r ../requirements.txt\nextra-tool==1\n")
    stack = (project / "stacks" / "dev.yaml").read_text()
    next_kit(monkeypatch, kit_changes)

    assert cli.main(["upgrade"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"took foundry-estate 99.0.0's templates (from foundry-estate {OLD}): 6 of ")
    assert "  Makefile: merged: the kit's changes and yours\n" in out
    assert ("  .github/workflows/preview.yml: kept yours: your changes and the kit's overlap; the kit's version is "
            ".github/workflows/preview.yml.new (merge it by hand, then delete it)\n") in out
    assert "  README.md: not written: you deleted it (the kit still ships it)\n" in out
    assert "  schemas/manifest.schema.json: updated (you had not changed it)\n" in out
    assert "  .github/workflows/audit.yml: added (new in the kit)\n" in out
    assert "  policy/requirements.txt: kept: the kit no longer writes it, but you changed it\n" in out
    assert err == "merge by hand: .github/workflows/preview.yml (the kit's version beside each, as .new)\n"

    merged = (project / "Makefile").read_text()
    assert "# kit 99: a new target\ncheck: validate\n" in merged and merged.endswith("ours:\n\techo ours\n")
    assert "timeout-minutes: 20" in preview.read_text()
    assert "timeout-minutes: 45" in (project / ".github" / "workflows" / "preview.yml.new").read_text()
    assert not (project / "README.md").exists()
    assert '"description": "kit 99"' in (project / "schemas" / "manifest.schema.json").read_text()
    assert (project / "policy" / "requirements.txt").read_text().endswith("extra-tool==1\n")
    assert (project / "stacks" / "dev.yaml").read_text() == stack

    record = json.loads((project / ".foundry-estate" / "scaffold.json").read_text())
    assert record["version"] == "99.0.0"
    assert "policy/requirements.txt" not in record["files"]
    assert "timeout-minutes: 30" in "".join(record["files"][".github/workflows/preview.yml"]), \
        "a file still to merge by hand keeps its old base"
    assert "# kit 99" in "".join(record["files"]["Makefile"])

    # the same kit again: nothing changes, the overlap is still reported
    assert cli.main(["upgrade", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("would take foundry-estate 99.0.0's templates (from foundry-estate 99.0.0): 1 of ")
    assert ".github/workflows/preview.yml: kept yours" in out


def test_an_untouched_file_the_kit_no_longer_writes_is_removed(project, monkeypatch, capsys) -> None:
    next_kit(monkeypatch, kit_changes)
    assert cli.main(["upgrade"]) == 0
    assert "  policy/requirements.txt: removed (the kit no longer writes it; you had not changed it)\n" in capsys.readouterr().out
    assert not (project / "policy" / "requirements.txt").exists()
    assert (project / "README.md").read_text().endswith("Upgrading: foundry-estate upgrade.\n")


def test_a_dry_run_writes_nothing(project, monkeypatch, capsys) -> None:
    before = {path: path.read_bytes() for path in project.rglob("*") if path.is_file()}
    next_kit(monkeypatch, kit_changes)
    assert cli.main(["upgrade", "--dry-run"]) == 0
    assert "would take foundry-estate 99.0.0's templates" in capsys.readouterr().out
    assert {path: path.read_bytes() for path in project.rglob("*") if path.is_file()} == before


def test_without_git_a_changed_file_is_kept_with_the_kit_s_beside_it(project, monkeypatch, capsys) -> None:
    (project / "Makefile").write_text((project / "Makefile").read_text() + "\nours:\n")
    next_kit(monkeypatch, kit_changes)
    monkeypatch.setattr(upgrade.shutil, "which", lambda name: None)
    assert cli.main(["upgrade"]) == 0
    assert "  Makefile: kept yours" in capsys.readouterr().out
    assert (project / "Makefile").read_text().endswith("\nours:\n")
    assert "# kit 99" in (project / "Makefile.new").read_text()


def test_a_project_without_a_record_gets_the_kit_s_files_beside_its_own(project, monkeypatch, capsys) -> None:
    (project / ".foundry-estate" / "scaffold.json").unlink()
    (project / "Makefile").write_text("# ours\n")
    next_kit(monkeypatch, kit_changes)
    assert cli.main(["upgrade"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("took foundry-estate 99.0.0's templates (from files without a record of what init wrote)")
    assert (project / "Makefile").read_text() == "# ours\n" and (project / "Makefile.new").exists()
    record = json.loads((project / ".foundry-estate" / "scaffold.json").read_text())
    assert record["project"] == "team-ai" and "Makefile" not in record["files"] and "Pulumi.yaml" in record["files"]


def test_templates_newer_than_the_installed_kit_are_refused(project, monkeypatch, capsys) -> None:
    next_kit(monkeypatch, kit_changes)
    assert cli.main(["upgrade"]) == 0
    monkeypatch.setattr(upgrade, "__version__", OLD)
    capsys.readouterr()
    assert cli.main(["upgrade"]) == 1
    assert capsys.readouterr().err == (
        f".foundry-estate/scaffold.json:1:1: the project's templates are from foundry-estate 99.0.0, newer than the "
        f"installed {OLD}: install the project's kit (make install) and run it from .venv\n")


def test_validate_warns_when_the_templates_are_older_than_the_kit(project, monkeypatch, capsys) -> None:
    assert cli.main(["validate"]) == 0
    assert capsys.readouterr().out == "1 manifest valid: stacks/dev.yaml\n"
    monkeypatch.setattr(upgrade, "__version__", "99.0.0")
    assert cli.main(["validate"]) == 0
    assert capsys.readouterr().out == (
        f".foundry-estate/scaffold.json:1:1: warning: the project's templates (workflows, Makefile, policy pack, "
        f"schemas, constraints) are from foundry-estate {OLD}; the installed kit is 99.0.0: run `foundry-estate upgrade`\n"
        "2 manifests valid (1 warning): stacks/dev.yaml, .foundry-estate/scaffold.json\n")


def test_a_broken_record_is_a_user_error(project, capsys) -> None:
    (project / ".foundry-estate" / "scaffold.json").write_text("{}")
    assert cli.main(["upgrade"]) == 1
    assert capsys.readouterr().err.startswith(
        ".foundry-estate/scaffold.json:1:1: not a record `foundry-estate init` or `upgrade` wrote ('version'): ")


@pytest.mark.parametrize("version, later", [("0.9.1", "0.10.0"), ("1.0.0", "1.0.1"), ("1.2", "1.2.1")])
def test_versions_order_by_number(version, later) -> None:
    assert upgrade.version_key(version) < upgrade.version_key(later)
