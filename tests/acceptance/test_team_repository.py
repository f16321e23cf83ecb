"""A team's repository, for real (slow): the kit's wheel, installed from the package index with
the constraints it ships, scaffolds a project outside this repository; there every workflow
step that needs no cloud runs as the workflow files write it (installs, validate, tests, the
stack listing, the PR diff). Then a newer kit (a second wheel, 0.2.0, whose account component
writes one more input and whose Makefile template has one more target) is taken the way a
team would: install it, `upgrade`, and open the PR whose diff plans the base with the kit it
pins (0.1.0, in a cached virtualenv installed with 0.1.0's constraints) and so shows the new
input; the team's own edit of the Makefile survives the upgrade.

Installs resolve through pip's configured index (the wheels themselves come from a folder
given as --find-links): dependencies are the versions of foundry_estate/constraints.txt.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from support.examples import REPO

pytestmark = pytest.mark.slow

NEW_INPUT = "dynamic_throttling_enabled"
TEAM_LINE = "# ours: the team's own target\nlint:\n\techo lint\n"
KIT_TARGET = "# kit 0.2.0: a new target\ncheck: validate\n\n"


def run(*args: str | Path, cwd: Path, env: dict[str, str], ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=1200, env=env)
    assert result.returncode in ok, f"{args} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result


def kit_sources(target: Path) -> None:
    """This repository's files (as git would commit them, uncommitted changes included) in `target`."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=REPO,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        if (REPO / name).is_file() and not name.startswith(("tests/", "benchmarks/")):
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, target / name)


def next_kit(source: Path) -> None:
    """Kit 0.2.0: one more account input, one more Makefile target."""
    pyproject = source / "pyproject.toml"
    pyproject.write_text(re.sub(r'(?m)^version = ".*"$', 'version = "0.2.0"', pyproject.read_text()))
    account = source / "components" / "account.py"
    text = account.read_text()
    assert '"disable_local_auth": not spec.local_auth,\n' in text
    account.write_text(text.replace('"disable_local_auth": not spec.local_auth,\n',
                                    f'"disable_local_auth": not spec.local_auth,\n        "{NEW_INPUT}": False,\n'))
    makefile = source / "foundry_estate" / "repository" / "templates" / "Makefile"
    makefile.write_text(makefile.read_text().replace("install: $(BIN)/python\n", KIT_TARGET + "install: $(BIN)/python\n", 1))


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the kit's wheel (0.1.0, this repository) and the next one (0.2.0)."""
    dist = tmp_path_factory.mktemp("dist")
    source = tmp_path_factory.mktemp("kit-0.2.0")
    kit_sources(source)
    next_kit(source)
    for tree in (REPO, source):
        run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", dist, tree, cwd=dist, env=dict(os.environ))
    assert sorted(p.name for p in dist.glob("*.whl")) == ["foundry_estate-0.1.0-py3-none-any.whl",
                                                          "foundry_estate-0.2.0-py3-none-any.whl"]
    return dist


def environment(tmp: Path, dist: Path) -> dict[str, str]:
    """A shell like a runner's: `python` is Python 3.11, pip finds the wheels in `dist`."""
    tools = tmp / "tools"
    tools.mkdir(exist_ok=True)
    for name in ("python", "python3.11"):
        if not (tools / name).exists():
            (tools / name).symlink_to(shutil.which("python3.11") or sys.executable)
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env.update(PATH=f"{tools}{os.pathsep}{env['PATH']}", FOUNDRY_ESTATE_CACHE=str(tmp / "cache"),
               PIP_FIND_LINKS=" ".join(filter(None, [str(dist), os.environ.get("PIP_FIND_LINKS", "")])),
               GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.com")
    return env


EXPRESSIONS = {"github.base_ref || github.event.repository.default_branch": "main", "matrix.stack": "dev"}


def offline_steps(workflow: dict) -> list[tuple[str, dict]]:  # (job, step)
    """Each job's `run` steps before its first step that reaches beyond the runner (a `uses:`
    other than checkout and setup-python: azure/login, pulumi/actions, the PR comment) or needs
    a secret of the repository's settings."""
    steps = []
    for job_name, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            uses = step.get("uses", "")
            if uses and not uses.startswith(("actions/checkout@", "actions/setup-python@")) or "secrets." in str(step):
                break
            if "run" in step:
                steps.append((job_name, step))
    return steps


def run_step(step: dict, project: Path, env: dict[str, str], runner: Path) -> subprocess.CompletedProcess:
    """A workflow step's script under bash as the runner runs it (GITHUB_* files, expressions filled in)."""
    def fill(text: str) -> str:
        return re.sub(r"\$\{\{\s*(.*?)\s*\}\}", lambda m: EXPRESSIONS.get(m.group(1), str(runner) if m.group(1) == "runner.temp" else ""), text)
    files = {name: runner / name.lower() for name in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_PATH", "GITHUB_ENV")}
    for path in files.values():
        path.touch()
    path = [line for line in files["GITHUB_PATH"].read_text().splitlines() if line]
    step_env = {**env, **{k: str(v) for k, v in files.items()}, **{k: fill(str(v)) for k, v in step.get("env", {}).items()},
                "PATH": os.pathsep.join([*reversed(path), env["PATH"]]), "GITHUB_SERVER_URL": "https://github.com",
                "GITHUB_REPOSITORY": "team/ai", "GITHUB_RUN_ID": "1"}
    return subprocess.run(["bash", "-eo", "pipefail", "-c", fill(step["run"])], cwd=project, env=step_env,
                          capture_output=True, text=True, timeout=1200)


def test_a_team_repository_runs_its_workflows_and_takes_a_kit_upgrade(wheels: Path, tmp_path: Path) -> None:
    env = environment(tmp_path, wheels)
    project = tmp_path / "team"
    project.mkdir()
    # pip install foundry-estate (pinned like the kit's own CI), then init in the project's .venv
    run("python3.11", "-m", "venv", ".venv", cwd=project, env=env)
    run(".venv/bin/python", "-m", "pip", "install", "--quiet", "-c", REPO / "foundry_estate" / "constraints.txt",
        "foundry-estate==0.1.0", cwd=project, env=env)
    kit = project / ".venv" / "bin" / "foundry-estate"
    assert run(kit, "--version", cwd=project, env=env).stdout == "foundry-estate 0.1.0\n"
    run(kit, "init", ".", "--project", "team-ai", cwd=project, env=env)
    run(kit, "stack", "new", "staging", cwd=project, env=env)
    run(kit, "stack", "new", "qa", cwd=project, env=env)
    run("git", "init", "-q", "-b", "main", cwd=project, env=env)
    run("git", "add", "-A", cwd=project, env=env)
    run("git", "commit", "-qm", "init", cwd=project, env=env)
    run("git", "update-ref", "refs/remotes/origin/main", "main", cwd=project, env=env)

    # every workflow step that needs no cloud, as written
    ran = []
    for workflow_file in sorted((project / ".github" / "workflows").glob("*.yml")):
        workflow = yaml.safe_load(workflow_file.read_text())
        for job, step in offline_steps(workflow):
            name = f"{job}: {step.get('name', step['run'][:40])}"
            runner = tmp_path / "runner" / workflow_file.stem / job  # a job's steps share GITHUB_PATH, outputs
            runner.mkdir(parents=True, exist_ok=True)
            result = run_step(step, project, env, runner)
            assert result.returncode == 0, f"{workflow_file.name} {name}:\n{result.stdout}\n{result.stderr}"
            ran.append(f"{workflow_file.stem}: {name}")
            if "stack list" in step["run"]:
                listed = json.loads((runner / "github_output").read_text().split("stacks=", 1)[1])
                assert [entry["stack"] for entry in listed] == ["dev", "staging", "qa"]
            if "foundry-estate diff" in step["run"]:
                assert "No changes to any stack" in (runner / "github_step_summary").read_text()
    assert any("make install-live" in step for step in [s["run"] for f in (project / ".github" / "workflows").glob("*.yml")
                                                         for _, s in offline_steps(yaml.safe_load(f.read_text()))])
    assert any("Diff the stacks" in name for name in ran) and any("Validate" in name for name in ran), ran
    assert run(kit, "diff", "--base", "origin/main", cwd=project, env=env).stdout.count("no changes") == 3

    # the team's own edit, then the kit's next release, taken on a branch
    (project / "Makefile").write_text((project / "Makefile").read_text() + "\n" + TEAM_LINE)
    run("git", "commit", "-qam", "our lint target", cwd=project, env=env)
    run("git", "update-ref", "refs/remotes/origin/main", "main", cwd=project, env=env)
    run("git", "checkout", "-qb", "kit-0.2.0", cwd=project, env=env)
    run(".venv/bin/python", "-m", "pip", "install", "--quiet", "-c", "constraints.txt", "foundry-estate==0.2.0",
        cwd=project, env=env)
    warned = run(kit, "validate", cwd=project, env=env).stdout
    assert "warning: the project's templates (workflows, Makefile, policy pack, schemas, constraints) are from " \
           "foundry-estate 0.1.0; the installed kit is 0.2.0: run `foundry-estate upgrade`" in warned
    upgraded = run(kit, "upgrade", cwd=project, env=env).stdout
    assert "  Makefile: merged: the kit's changes and yours\n" in upgraded
    assert "  requirements.txt: updated (you had not changed it)\n" in upgraded
    makefile = (project / "Makefile").read_text()
    assert KIT_TARGET in makefile and makefile.endswith(TEAM_LINE), "the team's edit is kept, the kit's merged in"
    assert "foundry-estate==0.2.0" in (project / "requirements.txt").read_text()
    run("make", "install", "PYTHON=python", cwd=project, env=env)
    assert run(kit, "validate", cwd=project, env=env).stdout == \
        "3 manifests valid: stacks/dev.yaml, stacks/qa.yaml, stacks/staging.yaml\n"
    run("git", "commit", "-qam", "foundry-estate 0.2.0", cwd=project, env=env)

    # the PR's diff step: the base planned with 0.1.0 (a cached virtualenv), the head with 0.2.0
    workflow = yaml.safe_load((project / ".github" / "workflows" / "pull-request.yml").read_text())
    (step,) = [step for _, step in offline_steps(workflow) if "foundry-estate diff" in step["run"]]
    runner = tmp_path / "runner" / "upgrade-pr"
    runner.mkdir(parents=True)
    (runner / "github_path").write_text(f"{project / '.venv' / 'bin'}\n")  # as the job's install step leaves it
    result = run_step(step, project, env, runner)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "The PR changes the stacks (exit 2)" in result.stdout
    report = (runner / "github_step_summary").read_text()
    assert report.startswith("> The base is planned with foundry\\-estate 0.1.0 (requirements.txt at origin/main)") or \
        report.startswith("> The base is planned with foundry-estate 0.1.0 (requirements.txt at origin/main)"), report[:300]
    assert "dynamicThrottlingEnabled" in report or NEW_INPUT in report, report
    assert "No changes to any stack" not in report
    assert list((tmp_path / "cache" / "kits").glob("0.1.0-*/ready")), "the base's kit is cached for the next diff"
    text = run(kit, "diff", "--base", "origin/main", cwd=project, env=env, ok=(2,)).stdout
    assert text.startswith("The base is planned with foundry-estate 0.1.0 (requirements.txt at origin/main), "
                           "the change with the installed foundry-estate 0.2.0")
    assert text.count("1 to update") == 3, text
