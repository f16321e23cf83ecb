"""Guardrails as `foundry-estate validate` applies them: the rules, the guardrails file, the environment.

The cases in tests/guardrails/<environment>/ run against tests/guardrails/guardrails.yaml (kept
stable, unlike the shipped policy/guardrails.yaml). Each extends tests/guardrails/compliant.yaml
and changes one thing:
- `<rule-id>.fail.yaml` breaks that rule: exactly the lines of `<rule-id>.fail.expected`,
  every one naming the rule;
- `<rule-id>.pass.yaml` stays on the right side of the same rule: no problem at all.
To add a case, write it, print its problems (`guardrail_problems`), check every line, save them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from foundry_estate.cli import main as cli
from foundry_estate.errors import KitError
from foundry_estate.guardrails import (CHECKS, DEFAULT_FILE, ENVIRONMENT_KEY, guardrail_problems, load_guardrails,
                                    stack_environment)
from foundry_estate.manifest.loader import load
from foundry_estate.project.environment import environment_of
from foundry_estate.validate import validate
from support.examples import REPO
from support.today import PINNED

CASES = Path("tests") / "guardrails"
TEST_GUARDRAILS = CASES / "guardrails.yaml"
ENVIRONMENTS = ("prod", "dev")


def cases(kind: str) -> list[tuple[str, Path]]:
    return [(environment, path.relative_to(REPO)) for environment in ENVIRONMENTS
            for path in sorted((REPO / CASES / environment).glob(f"*.{kind}.yaml"))]


def case_id(case: tuple[str, Path]) -> str:
    return f"{case[0]}/{case[1].name}"


def rule_of(path: Path) -> str:
    return path.name.split(".")[0]


@pytest.fixture(autouse=True)
def at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def problems_of(path: Path | str, environment: str, guardrails_file: Path | str = TEST_GUARDRAILS) -> list[str]:
    document = load(str(path))
    manifest = validate(document, PINNED).manifest  # guardrails apply to valid manifests only
    return [str(p) for p in guardrail_problems(document, manifest, environment, load_guardrails(guardrails_file))]


# --- every rule: a manifest that breaks it, one that keeps it ------------------------------------

def test_every_rule_has_a_failing_and_a_passing_case() -> None:
    rules = {rule.id for rule in load_guardrails(TEST_GUARDRAILS).rules}
    assert {rule.check for rule in load_guardrails(TEST_GUARDRAILS).rules} == set(CHECKS), "a check without a rule"
    assert rules == {rule_of(path) for _env, path in cases("fail")}
    assert rules == {rule_of(path) for _env, path in cases("pass")}
    orphans = [p.name for env in ENVIRONMENTS for p in (REPO / CASES / env).glob("*.expected")
               if not p.with_suffix(".yaml").exists()]
    assert not orphans


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_base_every_case_extends_keeps_every_rule(environment: str) -> None:
    assert problems_of(CASES / "compliant.yaml", environment) == []


@pytest.mark.parametrize("case", cases("fail"), ids=case_id)
def test_failing_case(case: tuple[str, Path]) -> None:
    environment, path = case
    expected = path.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    assert expected and all(f": {rule_of(path)}: " in line for line in expected), "a case breaks one rule"
    assert problems_of(path, environment) == expected


@pytest.mark.parametrize("case", cases("pass"), ids=case_id)
def test_passing_case(case: tuple[str, Path]) -> None:
    environment, path = case
    assert problems_of(path, environment) == []


def test_advisory_rules_warn_and_mandatory_rules_fail() -> None:
    document = load(str(CASES / "prod" / "account-required-tags.fail.yaml"))
    manifest = validate(document, PINNED).manifest
    guardrails = load_guardrails(TEST_GUARDRAILS)
    assert [p.severity for p in guardrail_problems(document, manifest, "prod", guardrails)] == ["error"]
    assert [p.severity for p in guardrail_problems(document, manifest, "dev", guardrails)] == ["warning"]  # dev: advisory


UNKNOWN_STAGING = ("warning: environment 'staging' is not named in tests/guardrails/guardrails.yaml, so every rule "
                   "applies as written (production's settings): list it under environments there, or set the stack's "
                   "foundry-kit:environment to one it names (dev, prod)")


def test_an_environment_the_file_does_not_name_gets_each_rule_as_written_and_says_so() -> None:
    case = CASES / "dev" / "deployment-version-pinned.pass.yaml"  # passes in dev, which does not pin versions
    assert problems_of(case, "staging") == [
        f"{case}:1:1: {UNKNOWN_STAGING}",
        f"{case}:7:25: accounts.core.deployments.grok.versionUpgrade: deployment-version-pinned: version upgrade option "
        "is 'OnceNewDefaultVersionAvailable': pin the model version with NoAutoUpgrade"]


def test_messages_call_an_unknown_environment_production_not_by_its_name() -> None:
    case = CASES / "prod" / "account-private-endpoints.fail.yaml"
    assert problems_of(case, "staging") == [
        f"{case}:1:1: {UNKNOWN_STAGING}",
        f"{case}:3:3: accounts.core.privateEndpoints: account-private-endpoints: has no private endpoint; production "
        "requires at least 1"]


def test_a_typo_of_an_environment_gets_a_did_you_mean() -> None:
    case = CASES / "dev" / "deployment-version-pinned.pass.yaml"
    assert problems_of(case, "dve")[0] == (
        f"{case}:1:1: warning: environment 'dve' is not named in tests/guardrails/guardrails.yaml (did you mean 'dev'?), "
        "so every rule applies as written (production's settings): list it under environments there, or set the "
        "stack's foundry-kit:environment to one it names (dev, prod)")


def test_an_environment_a_rule_names_but_the_list_does_not_is_refused(tmp_path: Path) -> None:
    text = (REPO / TEST_GUARDRAILS).read_text().replace("      dev: {parameters: {max: 200}}", "      dve: {parameters: {max: 200}}")
    (tmp_path / "g.yaml").write_text(text)
    with pytest.raises(KitError) as error:
        load_guardrails(tmp_path / "g.yaml")
    line = text.splitlines().index("      dve: {parameters: {max: 200}}") + 1
    assert [str(p).split(": ", 1)[1] for p in error.value.problems] == [
        "rules.deployment-max-capacity.environments.dve: environment 'dve' is not listed in environments (did you mean "
        "'dev'?): list it there too, or correct the name"]
    assert error.value.problems[0].position.line == line


# --- the shipped guardrails and example stacks ----------------------------------------------------

def test_shipped_guardrails_are_valid_and_name_every_check() -> None:
    shipped = load_guardrails()
    assert shipped.file == "policy/guardrails.yaml"
    assert {rule.check for rule in shipped.rules} == set(CHECKS)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_example_stacks_keep_the_shipped_guardrails_of_their_environment(stack: str) -> None:
    document = load(f"stacks/{stack}.yaml")
    assert guardrail_problems(document, validate(document, PINNED).manifest, stack) == []


def test_the_shipped_rules_are_not_vacuous_on_the_examples() -> None:
    """dev's manifest breaks prod's rules: the shipped rules do check something."""
    document = load("stacks/dev.yaml")
    rules = {str(p).split(": ")[2] for p in guardrail_problems(document, validate(document, PINNED).manifest, "prod")}
    assert {"account-private-endpoints", "account-public-network-disabled", "deployment-content-filter"} <= rules


# --- the guardrails file ------------------------------------------------------------------------

def test_schema_knows_exactly_the_checks_and_the_manifest_skus() -> None:
    schema = json.loads((REPO / "schemas" / "guardrails.schema.json").read_text())
    manifest_schema = json.loads((REPO / "schemas" / "manifest.schema.json").read_text())
    assert schema["$defs"]["rule"]["properties"]["check"]["enum"] == list(CHECKS)
    assert set(schema["properties"]["rules"]["properties"]) == set(CHECKS)
    skus = manifest_schema["$defs"]["deployment"]["properties"]["sku"]["enum"]
    assert schema["$defs"]["parameters"]["deployment-approved-sku"]["properties"]["skus"]["items"]["enum"] == skus
    assert schema["$defs"]["parameters"]["deployment-max-capacity"]["properties"]["bySku"]["propertyNames"]["enum"] == skus


BROKEN = """\
version: 1
rules:
  deployment-aproved-model:
    description: typo in the id
    level: mandatory
  account-protected:
    description: scoped, but it checks accounts
    level: required
    scope: {formats: [xAI]}
  filter-harm-levels:
    description: a bad parameter
    level: mandatory
    parameters: {level: lowest}
    environments:
      dev: {parameters: {sources: [prompt], categories: [hate, racism]}, enabled: no}
  grok-strict:
    check: filter-harm-levels
    description: a rule of my own
    level: advisory
    parameters: {max: 3}
"""


def test_a_broken_guardrails_file_is_reported_at_its_lines(tmp_path: Path) -> None:
    (tmp_path / "guardrails.yaml").write_text(BROKEN)
    with pytest.raises(KitError) as raised:
        load_guardrails(tmp_path / "guardrails.yaml")
    where = str(tmp_path / "guardrails.yaml")
    assert [str(p).replace(where, "G") for p in raised.value.problems] == [
        "G:3:3: rules.deployment-aproved-model: missing required key 'check'",
        "G:8:12: rules.account-protected.level: 'required' is not one of: mandatory, advisory",
        "G:13:25: rules.filter-harm-levels.parameters.level: 'lowest' is not one of: low, medium, high",
        "G:15:64: rules.filter-harm-levels.environments.dev.parameters.categories[1]: 'racism' is not one of: hate, sexual, violence, selfHarm",
        "G:15:83: rules.filter-harm-levels.environments.dev.enabled: expected true or false, got the string 'no'",
        "G:20:18: rules.grok-strict.parameters.max: unknown key 'max'",
    ]


def test_scope_on_an_account_rule_is_refused(tmp_path: Path) -> None:
    (tmp_path / "guardrails.yaml").write_text(
        "version: 1\nrules:\n  account-protected:\n    description: d\n    level: mandatory\n    scope: {formats: [xAI]}\n")
    with pytest.raises(KitError) as raised:
        load_guardrails(tmp_path / "guardrails.yaml")
    assert [str(p).split(": ", 1)[1] for p in raised.value.problems] == [
        "rules.account-protected.scope: 'account-protected' checks accounts: scope (model formats) applies only to "
        "deployment and content-filter rules"]


def test_environment_settings_merge_over_the_rule() -> None:
    rule = next(r for r in load_guardrails(TEST_GUARDRAILS).rules if r.id == "deployment-approved-model")
    assert rule.resolve("prod").parameters == {"formats": ["OpenAI", "xAI", "Microsoft"], "models": ["gpt-5", "grok-4", "Phi-4"]}
    assert rule.resolve("dev").parameters == {"formats": ["OpenAI", "xAI", "Microsoft"],
                                              "models": ["gpt-5", "gpt-5-mini", "grok-4", "Phi-4"]}
    tags = next(r for r in load_guardrails(TEST_GUARDRAILS).rules if r.id == "account-required-tags")
    assert (tags.resolve("prod").level, tags.resolve("dev").level) == ("mandatory", "advisory")


# --- which environment: foundry-estate validate ---------------------------------------------------

def test_stack_environment_is_the_config_value_else_the_stack_name() -> None:
    assert stack_environment("prod-eu", {}) == "prod-eu"
    assert stack_environment("prod-eu", {ENVIRONMENT_KEY: "prod"}) == "prod"


def test_environment_of_a_stack_manifest_a_bare_file_and_the_flag() -> None:
    assert environment_of("stacks/prod.yaml") == "prod"
    assert environment_of("tests/examples/valid/minimal.yaml") is None
    assert environment_of("tests/examples/valid/minimal.yaml", "dev") == "dev"
    assert environment_of("stacks/prod.yaml", "dev") == "dev"


AI = "extends: compliant.yaml\naccounts:\n  core:\n    protect: false\n    deployments:\n      grok:\n        versionUpgrade: OnceCurrentVersionExpired\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project of its own with its own guardrails (the test ones): stack live (environment: its
    name) and stack sandbox (environment dev, from its config), with the same two departures."""
    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: python\nstackConfigDir: stacks\n")
    (tmp_path / "stacks").mkdir()
    (tmp_path / "policy").mkdir()
    shutil.copy(REPO / TEST_GUARDRAILS, tmp_path / "policy" / "guardrails.yaml")
    shutil.copy(REPO / CASES / "compliant.yaml", tmp_path / "stacks" / "compliant.yaml")
    (tmp_path / "stacks" / "live.yaml").write_text(AI)
    (tmp_path / "stacks" / "sandbox-ai.yaml").write_text(AI)
    (tmp_path / "stacks" / "Pulumi.live.yaml").write_text("config: {}\n")
    (tmp_path / "stacks" / "Pulumi.sandbox.yaml").write_text(
        f"config:\n  foundry-kit:manifest: stacks/sandbox-ai.yaml\n  {ENVIRONMENT_KEY}: dev\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_validate_holds_each_stack_to_its_environment(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["validate"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        # stack live: no foundry-kit:environment, so its own name, which the guardrails do not know: every rule as written
        "stacks/live.yaml:1:1: warning: environment 'live' is not named in policy/guardrails.yaml, so every rule applies "
        "as written (production's settings): list it under environments there, or set the stack's "
        "foundry-kit:environment to one it names (dev, prod)",
        "stacks/live.yaml:4:14: accounts.core.protect: account-protected: is not protected against deletion",
        "stacks/live.yaml:7:25: accounts.core.deployments.grok.versionUpgrade: deployment-version-pinned: version upgrade "
        "option is 'OnceCurrentVersionExpired': pin the model version with NoAutoUpgrade",
        # stack sandbox: environment dev, which does not pin versions
        "stacks/sandbox-ai.yaml:4:14: accounts.core.protect: account-protected: is not protected against deletion",
        "3 errors in 2 files, 1 warning",
    ]


def test_validate_refuses_an_environment_flag_the_guardrails_do_not_name(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["validate", "--environment", "dve", "stacks/compliant.yaml"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "policy/guardrails.yaml:1:1: --environment 'dve' is not an environment this file names (did you mean 'dev'?): it "
        "names dev, prod; --allow-unknown-environment holds the manifests to every rule as written (production's settings)"]
    assert cli.main(["validate", "--environment", "dve", "--allow-unknown-environment", "stacks/compliant.yaml"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "stacks/compliant.yaml:1:1: warning: environment 'dve' is not named in policy/guardrails.yaml (did you mean "
        "'dev'?), so every rule applies as written (production's settings): list it under environments there, or set "
        "the stack's foundry-kit:environment to one it names (dev, prod)",
        "1 manifest valid (1 warning): stacks/compliant.yaml"]


def test_validate_environment_flag_applies_to_named_files(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["validate", "--environment", "dev", "stacks/compliant.yaml"]) == 0
    assert capsys.readouterr().out.splitlines() == ["1 manifest valid: stacks/compliant.yaml"]
    assert cli.main(["validate", "--format", "json", "--environment", "dev", "stacks/live.yaml"]) == 1
    problems = json.loads(capsys.readouterr().out)["files"][0]["problems"]
    assert [(p["line"], p["path"], p["severity"]) for p in problems] == [(4, "accounts.core.protect", "error")]


def test_a_file_no_stack_uses_gets_no_guardrails(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["validate", "stacks/sandbox-ai.yaml", "stacks/compliant.yaml"]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "1 error in 1 file"  # sandbox-ai.yaml, in dev


def test_a_manifest_stacks_of_different_environments_share_needs_the_flag(project: Path) -> None:
    (project / "stacks" / "Pulumi.live.yaml").write_text("config:\n  foundry-kit:manifest: stacks/sandbox-ai.yaml\n")
    with pytest.raises(KitError, match="manifest of stacks live .live. and sandbox .dev.: name one with --environment"):
        environment_of("stacks/sandbox-ai.yaml")
    assert environment_of("stacks/sandbox-ai.yaml", "dev") == "dev"


def test_the_kit_s_own_guardrails_apply_outside_a_project_with_its_own(project: Path) -> None:
    (project / "policy" / "guardrails.yaml").unlink()
    document = load("stacks/compliant.yaml")
    problems = guardrail_problems(document, validate(document, PINNED).manifest, "prod")  # the kit's policy/guardrails.yaml
    assert problems and all(p.position.file == "stacks/compliant.yaml" for p in problems)
    assert DEFAULT_FILE.is_file()
