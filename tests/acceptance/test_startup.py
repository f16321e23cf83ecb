"""A command that never plans starts without Pulumi: `--version`, `validate`, `catalog`
and `stack list`, run as a user runs them (a new process), import neither `pulumi` nor
`pulumi_azure_native` (nor gRPC under them), `--version` not even the manifest's schema, and
`validate` of valid manifests not jsonschema.

What they import is read from Python's own `-X importtime` report, not timed: the timings
against check-jsonschema are benchmarks/startup.py's."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from support.examples import REPO, copy_examples

PLANNING = {"pulumi", "pulumi_azure_native", "grpc"}


def imported(*args: str, cwd=REPO, cache=None) -> tuple[int, set[str]]:
    """The exit code of `foundry-estate ARGS` and the top-level packages the process imported."""
    env = {**os.environ, **({"XDG_CACHE_HOME": str(cache)} if cache else {})}
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "foundry_estate.cli", *args], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=120)
    names = {line.rsplit("|", 1)[1].strip().split(".")[0]
             for line in result.stderr.splitlines() if line.startswith("import time:") and "|" in line}
    assert "foundry_estate" in names, result.stderr[-2000:]
    return result.returncode, names


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory):
    return copy_examples(tmp_path_factory.mktemp("project"))


def test_version_imports_no_pulumi_and_no_schema_validator() -> None:
    code, names = imported("--version")
    assert code == 0
    assert not names & (PLANNING | {"jsonschema", "yaml", "detect_secrets"})


def test_valid_manifests_are_validated_without_jsonschema_once_the_schema_is_compiled(tmp_path) -> None:
    """The first run compiles the schema's fast validator into the cache; the next needs no jsonschema."""
    args = ("validate", "stacks/dev.yaml", "stacks/prod.yaml")
    assert imported(*args, cache=tmp_path)[0] == 0
    code, names = imported(*args, cache=tmp_path)
    assert code == 0
    assert "jsonschema" not in names and "fastjsonschema" in names
    code, names = imported("validate", "tests/examples/invalid/unknown-key.yaml", cache=tmp_path)
    assert code == 1 and "jsonschema" in names  # it words the errors of an invalid one


@pytest.mark.parametrize("args", [["validate", "stacks/dev.yaml", "stacks/prod.yaml"], ["validate"],
                                  ["catalog"], ["stack", "list"], ["validate", "--help"]])
def test_commands_that_never_plan_import_no_pulumi(project, args: list[str]) -> None:
    code, names = imported(*args, cwd=project)
    assert code == 0
    assert not names & PLANNING


def test_plan_does_import_pulumi(project) -> None:
    """The check above could pass by reading nothing: `plan` shows the same report naming Pulumi."""
    code, names = imported("plan", "--stack", "dev", cwd=project)
    assert code == 0
    assert PLANNING <= names
