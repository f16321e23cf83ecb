"""`foundry-estate validate`: formats, exit codes, the error funnel and its bug report."""

import json
import platform
import sys
from importlib.metadata import version

import pytest

from foundry_estate.cli import crash
from foundry_estate.cli import main as cli
from support.examples import copy_examples

BROKEN = "version: 1\naccounts: {core: [unclosed\n"
INVALID = """version: 1
location: eastus2
resourceGroup: {name: rg}
accounts:
  core:
    name: aif-x
    deployments:
      grok-3:
        model: {format: xAI, name: grok-3, version: "1"}
        sku: GlobalStandard
        capacity: five
"""


@pytest.fixture
def repo(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "invalid.yaml").write_text(INVALID)
    (tmp_path / "broken.yaml").write_text(BROKEN)
    return tmp_path


def test_default_validates_every_stack_of_the_project(monkeypatch, tmp_path, capsys) -> None:
    monkeypatch.chdir(copy_examples(tmp_path))
    assert cli.main(["validate"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "2 manifests valid: stacks/dev.yaml, stacks/prod.yaml"


def test_text_reports_all_files_and_exits_1(repo, capsys) -> None:
    assert cli.main(["validate", "invalid.yaml", "broken.yaml"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "invalid.yaml:11:19: accounts.core.deployments.grok-3.capacity: expected an integer, got the string 'five'",
        "broken.yaml:2:18: not valid YAML: this '[' is never closed with ']', or a ',' is missing between its items",
        "2 errors in 2 files",
    ]


def test_github_annotations(repo, capsys) -> None:
    assert cli.main(["validate", "--format", "github", "invalid.yaml"]) == 1
    first = capsys.readouterr().out.splitlines()[0]
    assert first == ("::error file=invalid.yaml,line=11,col=19,title=foundry-estate::"
                     "accounts.core.deployments.grok-3.capacity: expected an integer, got the string 'five'")


def test_json_report(repo, capsys) -> None:
    assert cli.main(["validate", "--format", "json", "invalid.yaml"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False
    assert report["files"][0]["problems"] == [{
        "file": "invalid.yaml", "line": 11, "column": 19, "severity": "error",
        "path": "accounts.core.deployments.grok-3.capacity", "message": "expected an integer, got the string 'five'"}]


def test_no_project_and_no_files_is_a_user_error(repo, capsys) -> None:
    assert cli.main(["validate"]) == 1
    assert "no Pulumi.yaml here or above" in capsys.readouterr().err


def test_a_bug_exits_3_with_a_report(repo, monkeypatch, capsys) -> None:
    def planted_bug(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("the planted bug")

    monkeypatch.setattr("foundry_estate.project.project.load", planted_bug)
    assert cli.main(["validate", "invalid.yaml"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("foundry-estate: an unexpected error occurred (a bug in the kit, not in your manifests).\n"
                          "Please report it with this whole output ")
    # the versions that decide what the kit does, as pre-commit's error handler names them
    for line in (f"  foundry-estate {version('foundry-estate')}\n", f"  pulumi {version('pulumi')}\n",
                 f"  pulumi-azure-native {version('pulumi-azure-native')}\n",
                 f"  Python {platform.python_version()} ({sys.executable})\n"):
        assert line in err
    # the traceback is the planted bug's, not a TypeError from a wrong signature
    assert err.rstrip().endswith("ZeroDivisionError: the planted bug")


@pytest.mark.parametrize(("urls", "where"), [
    (["Source, https://git.example.com/kit", "Issues, https://git.example.com/kit/issues"],
     "at https://git.example.com/kit/issues"),
    (["Documentation, https://docs.example.com"], "to the maintainers of foundry-estate"),
    (None, "to the maintainers of foundry-estate"),
])
def test_a_bug_report_says_where_to_report_from_the_installed_project_urls(monkeypatch, urls, where) -> None:
    class Metadata:
        def get_all(self, name: str) -> list[str] | None:
            assert name == "Project-URL"
            return urls

    monkeypatch.setattr("importlib.metadata.metadata", lambda name: Metadata())
    assert crash.where_to_report() == where


def test_every_file_s_syntax_error_is_reported_with_the_other_files_problems(tmp_path, monkeypatch, capsys) -> None:
    """A broken stack file, two manifests that are not YAML and one with wrong values: all at once."""
    (tmp_path / "Pulumi.yaml").write_text("name: t\nruntime: python\n")
    stacks = tmp_path / "stacks"
    stacks.mkdir()
    (stacks / "a.yaml").write_text("version: 1\nresourceGroup:\n\tname: rg\n")
    (stacks / "b.yaml").write_text("version: 1\nlocation: eastus2\nresourceGroup\n  name: rg\n")
    (stacks / "c.yaml").write_text("version: 2\nlocation: eastus2\nresourceGroup: {name: rg}\naccounts: {}\n")
    for name in "abc":
        (stacks / f"Pulumi.{name}.yaml").write_text("config: {}\n")
    (stacks / "Pulumi.d.yaml").write_text("config:\n  x: [1\n")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["validate"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "stacks/Pulumi.d.yaml:2:6: not valid YAML: this '[' is never closed with ']', or a ',' is missing between its items",
        "stacks/a.yaml:3:1: not valid YAML: a tab character: YAML indents with spaces only; replace the tab with spaces",
        "stacks/b.yaml:3:1: not valid YAML: a key without ':' (expected key: value): add ': ' after the key, or join the "
        "line to the value above",
        "stacks/c.yaml:1:10: version: unsupported manifest version 2: this kit reads version 1",
        "stacks/c.yaml:4:11: accounts: must not be empty",
        "5 errors in 4 files",
    ]


def test_version_is_the_installed_kit_s(capsys) -> None:
    from importlib.metadata import version

    with pytest.raises(SystemExit) as exit_:
        cli.main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"foundry-estate {version('foundry-estate')}\n"


def test_a_reader_that_stops_early_ends_the_output_quietly(tmp_path) -> None:
    """`foundry-estate validate ... | head -1`: the pipe closes before the kit writes; no bug report, exit 0."""
    import subprocess
    import sys

    (tmp_path / "invalid.yaml").write_text(INVALID)
    process = subprocess.Popen([sys.executable, "-c", "from foundry_estate.cli.main import run; run()",
                                "validate", "--format", "json", "invalid.yaml", "invalid.yaml"],
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before the first line
    with process.stderr:
        stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == 0
    assert stderr == ""
