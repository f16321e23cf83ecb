"""The kit as a team installs it: the wheel, in a fresh virtualenv outside this repository, runs
`init`, `stack new`, `validate`, `plan`, `diff --base` and `quota` in a new project (slow: select it
out with `-m "not slow"` while iterating).

The wheel is installed without its dependencies, which the fresh virtualenv reads from this
test run's own site-packages through a .pth file (offline, and the same versions as
constraints.txt); the kit itself is only the wheel's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest
from support.examples import REPO

pytestmark = pytest.mark.slow


def run(*args: str | Path, cwd: Path, ok: tuple[int, ...] = (0,)) -> str:
    result = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=600,
                            env={**os.environ, "PYTHONPATH": ""})
    assert result.returncode in ok, f"{args} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with the kit's wheel; returns its bin/ folder."""
    dist = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", dist,
        REPO, cwd=dist)
    (wheel,) = dist.glob("foundry_estate-*.whl")
    tops = {name.split("/")[0] for name in zipfile.ZipFile(wheel).namelist()}
    assert {top for top in tops if not top.endswith(".dist-info")} == {"foundry_estate"}, tops
    environment = tmp_path_factory.mktemp("venv")
    venv.create(environment, with_pip=True)
    purelib = subprocess.run([environment / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                             capture_output=True, text=True, check=True).stdout.strip()
    Path(purelib, "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    run(environment / "bin" / "python", "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", wheel, cwd=dist)
    return environment / "bin"


def test_the_wheel_runs_a_new_project_outside_the_repository(installed: Path, tmp_path: Path) -> None:
    kit = installed / "foundry-estate"
    where = run(installed / "python", "-c", "import foundry_estate, foundry_estate.components; print(foundry_estate.__file__)",
                cwd=tmp_path)
    assert "site-packages" in where and not where.startswith(str(REPO)), where
    assert run(kit, "--version", cwd=tmp_path) == "foundry-estate 0.1.0\n"
    assert "init" in run(kit, "--help", cwd=tmp_path)

    run(kit, "init", "team", "--project", "team-ai", cwd=tmp_path)
    project = tmp_path / "team"
    assert "wrote stacks/staging.yaml" in run(kit, "stack", "new", "staging", cwd=project)
    assert run(kit, "validate", cwd=project) == "2 manifests valid: stacks/dev.yaml, stacks/staging.yaml\n"
    plan = run(kit, "plan", "--format", "json", cwd=project)
    assert "urn:pulumi:staging::team-ai::" in plan and "aif-team-ai-staging" in plan
    assert "staging" in run(kit, "quota", cwd=project)

    for git in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "init"]):
        run("git", *git, cwd=project)
    assert run(kit, "diff", "--base", "HEAD", cwd=project) .count("no changes") >= 1
    run(kit, "stack", "new", "qa", "--from", "staging", cwd=project)
    diff = run(kit, "diff", "--base", "HEAD", cwd=project, ok=(2,))
    assert "qa" in diff and "aif-team-ai-qa" in diff

    policies = run(installed / "python", "-c", "import runpy; pack = runpy.run_path('policy/__main__.py', run_name='pack'); "
                   "print(len(pack['pack_policies'](pack['GUARDRAILS'])))", cwd=project)
    assert int(policies) > 0
