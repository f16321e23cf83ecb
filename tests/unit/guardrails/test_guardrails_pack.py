"""The policy pack (`policy/`): the same rules as `foundry-estate validate`, on what the engine sees.

Stack validation arguments are built without the engine (`support/policy_args.py`), either by
hand or from the graph the real program registers under the mock engine. The agreement tests
hold both enforcement points to the same verdict (rule id, level, object, message) on the
example stacks and on every guardrails case.
"""

from __future__ import annotations

import json
import runpy
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from pulumi_azure_native import cognitiveservices

from foundry_estate.components.content_filter import rai_content_filter
from foundry_estate.preview.engine import UNKNOWN, Graph, run_function, run_program
from foundry_estate.guardrails import ENVIRONMENT_KEY, Guardrails, load_guardrails
from foundry_estate.guardrails.from_engine import ACCOUNT, DEPLOYMENT, RAI_POLICY, settings_of
from foundry_estate.guardrails.pack import INPUTS_POLICY, PACK_NAME, policies
from foundry_estate.manifest.model import HarmSetting
from support.engine_states import STATES, engine_view
from support.examples import REPO
from support.policy_args import resource, run_stack_policies, stack_args
from support.verdicts import Verdict, validator_verdicts
from support.verdicts import pack_verdicts as verdicts_of

CASES = REPO / "tests" / "guardrails"
TEST_GUARDRAILS = CASES / "guardrails.yaml"


@pytest.fixture(autouse=True)
def at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


# --- the two enforcement points, each seen from outside ------------------------------------------

def pack_verdicts(graph: Graph, environment: str, guardrails: Guardrails, state: str = "inputs") -> list[Verdict]:
    """What the pack reports on a recorded graph as the engine shows it in `state`, with each
    URN turned into its object."""
    reported = run_stack_policies(policies(guardrails, environment), stack_args(engine_view(graph, state)))
    return verdicts_of(graph, [(rule, level, urn, message) for rule, level, message, urn in reported])


def recorded(manifest_file: Path | str, stack: str, state: str = "inputs") -> Graph:
    """The program's graph for `stack`: as `pulumi preview` of a new stack registers it (values
    Azure computes unknown) for state `create`, else as after apply."""
    return run_program(stack, {"foundry-kit:manifest": str(manifest_file)}, preview=state == "create")


CASE_FILES = [pytest.param(path, path.parent.name, id=f"{path.parent.name}/{path.name}")
              for environment in ("prod", "dev") for path in sorted((CASES / environment).glob("*.yaml"))]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize(("manifest_file", "environment"), CASE_FILES)
def test_pack_and_validator_agree_on_every_case(manifest_file: Path, environment: str, state: str) -> None:
    guardrails = load_guardrails(TEST_GUARDRAILS)
    expected = validator_verdicts(manifest_file.relative_to(REPO), environment, guardrails)
    assert pack_verdicts(recorded(manifest_file, environment, state), environment, guardrails, state) == expected
    assert bool(expected) == manifest_file.name.endswith(".fail.yaml")


@pytest.mark.parametrize("state", STATES)
def test_pack_sees_claude_deployments_written_through_the_generic_resource(state: str) -> None:
    """In every engine state, though outputs carry none of the generic resource's path inputs."""
    manifest_file = REPO / "tests" / "examples" / "valid" / "claude.yaml"
    guardrails = load_guardrails()
    expected = validator_verdicts(manifest_file.relative_to(REPO), "prod", guardrails)
    assert any(ref.kind == "deployment" and rule == "deployment-approved-model" for rule, _, ref, _ in expected)
    assert pack_verdicts(recorded(manifest_file, "prod", state), "prod", guardrails, state) == expected


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("stack", ["dev", "prod"])
@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_pack_and_validator_agree_on_the_example_stacks(stack: str, environment: str, state: str) -> None:
    """Shipped guardrails: each stack keeps its own environment's, and both points say so (so the
    first preview of a compliant stack passes); the other environment's rules break, and both
    points name the same rules, objects and words."""
    guardrails = load_guardrails()
    expected = validator_verdicts(f"stacks/{stack}.yaml", environment, guardrails)
    assert pack_verdicts(recorded(f"stacks/{stack}.yaml", stack, state), environment, guardrails, state) == expected
    assert bool(expected) == (stack != environment)


# --- the pack as the engine runs it --------------------------------------------------------------

def load_pack(monkeypatch: pytest.MonkeyPatch, stack: str | None, config: dict[str, Any] | None = None) -> list:
    if stack:
        monkeypatch.setenv("PULUMI_STACK", stack)
    else:
        monkeypatch.delenv("PULUMI_STACK", raising=False)
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps(config or {}))
    namespace = runpy.run_path(str(REPO / "policy" / "__main__.py"), run_name="pack_under_test")
    assert namespace["PACK_NAME"] == PACK_NAME
    return namespace["pack_policies"](namespace["GUARDRAILS"])


def levels(pack: list) -> dict[str, str]:
    return {policy.name: policy.enforcement_level.value for policy in pack}


def test_pack_has_one_policy_per_rule_at_the_rule_s_level(monkeypatch: pytest.MonkeyPatch) -> None:
    prod = levels(load_pack(monkeypatch, "prod"))
    assert list(prod) == [rule.id for rule in load_guardrails().rules] + [INPUTS_POLICY]
    assert prod[INPUTS_POLICY] == "advisory"  # it reports nothing
    assert prod["account-diagnostics"] == "advisory" and prod["account-protected"] == "mandatory"
    dev = levels(load_pack(monkeypatch, "dev"))
    assert dev["account-private-endpoints"] == "disabled" and dev["deployment-version-pinned"] == "disabled"


def test_pack_environment_comes_from_stack_config_else_stack_name(monkeypatch: pytest.MonkeyPatch) -> None:
    assert levels(load_pack(monkeypatch, "sandbox-7", {ENVIRONMENT_KEY: "dev"})) == levels(load_pack(monkeypatch, "dev"))
    assert levels(load_pack(monkeypatch, "prod-eu")) == levels(load_pack(monkeypatch, "prod"))  # unnamed: rules as written
    assert levels(load_pack(monkeypatch, None)) == levels(load_pack(monkeypatch, "prod"))


def test_pack_refuses_to_start_on_a_broken_guardrails_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    broken = tmp_path / "guardrails.yaml"
    broken.write_text("version: 1\nrules: {}\n")
    monkeypatch.setenv("PULUMI_STACK", "prod")
    namespace = runpy.run_path(str(REPO / "policy" / "__main__.py"), run_name="pack_under_test")
    with pytest.raises(SystemExit, match="the guardrails file is not valid:\n.*rules: must not be empty"):
        namespace["pack_policies"](str(broken))


# --- resources written by hand, and outputs as a real stack policy sees them ----------------------

def hand_written() -> None:
    """A program that uses no kit component: the pack still sees what it creates."""
    account = cognitiveservices.Account(
        "rogue", account_name="aif-rogue", resource_group_name="rg", kind="AIServices", sku={"name": "S0"},
        properties={"public_network_access": "Enabled"}, tags={"owner": "someone"})
    cognitiveservices.Deployment(
        "rogue-grok", account_name=account.name, resource_group_name="rg", deployment_name="grok",
        sku={"name": "GlobalStandard", "capacity": 500},
        properties={"model": {"format": "xAI", "name": "grok-code-fast-1", "version": "1"},
                    "rai_policy_name": "Microsoft.DefaultV2"})


def test_pack_catches_resources_written_by_hand(monkeypatch: pytest.MonkeyPatch) -> None:
    graph = run_function(hand_written, "prod")
    reported = {(rule, message) for rule, _level, message, _urn in
                run_stack_policies(load_pack(monkeypatch, "prod"), stack_args(graph))}
    assert reported == {
        ("account-local-auth-disabled", "accepts local authentication (API keys): allow Microsoft Entra ID only"),
        ("account-public-network-disabled", "public network access is Enabled"),
        ("account-private-endpoints", "has no private endpoint; prod requires at least 1"),
        ("account-managed-identity", "has no managed identity"),
        ("account-diagnostics", "sends its logs and metrics nowhere (no diagnostic setting)"),
        ("account-protected", "is not protected against deletion"),
        ("account-required-tags", "lacks the required tag environment"),
        ("deployment-approved-model", "model 'grok-code-fast-1' is not approved in prod (approved: " + ", ".join(
            load_guardrails().for_environment("prod")[0].parameters["models"]) + ")"),
        ("deployment-max-capacity", "capacity 500 is over the maximum of 300 for a deployment in prod"),
        ("deployment-content-filter", "uses the built-in content filter 'Microsoft.DefaultV2': in prod name one of the "
                                      "stack's own content filters"),
        ("deployment-version-pinned", "version upgrade option is 'not set': pin the model version with NoAutoUpgrade"),
        ("filter-harm-levels-xai", "content filter 'Microsoft.DefaultV2' must block from low severity up, but prompt "
                                   "hate, sexual, selfHarm are medium (the built-in setting); completion hate, sexual, "
                                   "selfHarm are medium (the built-in setting)"),
    }


URN = "urn:pulumi:prod::p::azure-native:cognitiveservices:{}::{}"
ARM = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/aif-out"


def test_pack_reads_outputs_and_survives_unknowns(monkeypatch: pytest.MonkeyPatch) -> None:
    """After apply a stack policy sees outputs (name and id, no accountName); in preview some
    values are unknown. Accounts are found through ids and dependencies; an unknown value
    neither crashes the policy nor hides the rest of the stack."""
    account = resource(ACCOUNT, {"name": "aif-out", "id": ARM, "identity": {"type": "SystemAssigned"},
                                 "properties": {"disableLocalAuth": True, "publicNetworkAccess": "Disabled"},
                                 "tags": {"owner": "o", "environment": "prod"}},
                       URN.format("Account", "a"), "a", protect=True)
    policy = resource(RAI_POLICY, {"name": "strict", "id": f"{ARM}/raiPolicies/strict", "properties": {
        "basePolicyName": "Microsoft.DefaultV2",
        "contentFilters": [{"name": "Violence", "source": "Prompt", "enabled": True, "blocking": True, "severityThreshold": "High"},
                           {"name": "Jailbreak", "source": "Prompt", "enabled": True, "blocking": True}]}},
                      URN.format("RaiPolicy", "p"), "p")
    deployment = resource(DEPLOYMENT, {"name": UNKNOWN, "id": UNKNOWN, "sku": {"name": "GlobalStandard", "capacity": 10.0},
                                       "properties": {"raiPolicyName": "strict", "versionUpgradeOption": "NoAutoUpgrade",
                                                      "model": {"format": "OpenAI", "name": "gpt-5", "version": UNKNOWN}}},
                          URN.format("Deployment", "chat"), "chat", property_dependencies={"accountName": [account]})
    reported = run_stack_policies(load_pack(monkeypatch, "prod"), stack_args([account, policy, deployment]))
    assert [(rule, message, urn.rsplit("::", 1)[1]) for rule, _level, message, urn in reported] == [
        ("filter-harm-levels", "content filter 'strict' must block from medium severity up, but prompt violence is high",
         "chat"),
        ("account-private-endpoints", "has no private endpoint; prod requires at least 1", "a"),
        ("account-diagnostics", "sends its logs and metrics nowhere (no diagnostic setting)", "a"),
    ]


def test_rai_policy_entries_read_back_to_the_manifest_settings() -> None:
    """The engine adapter inverts exactly what the content-filter component sends."""
    harm = ("hate", "sexual", "violence", "selfHarm")
    for category, levels_ in [*((c, ("low", "medium", "high", "annotate", "off")) for c in harm),
                              *((c, ("block", "annotate", "off")) for c in ("jailbreak", "indirectAttack", "profanity"))]:
        for setting in levels_:
            sent = rai_content_filter(HarmSetting(category, "prompt", setting))
            engine = {"severityThreshold" if key == "severity_threshold" else key: value for key, value in sent.items()}
            assert settings_of([engine]) == {(category, "prompt"): setting}


def test_policy_pack_files_are_wired() -> None:
    text = (REPO / "policy" / "PulumiPolicy.yaml").read_text()
    assert "runtime:" in text and "name: python" in text and "virtualenv: ../.venv" in text
    assert "serve(GUARDRAILS)" in (REPO / "policy" / "__main__.py").read_text()
    pins = dict(line.split("==") for line in (REPO / "constraints.txt").read_text().splitlines() if "==" in line)
    assert (version("pulumi"), version("pulumi-policy")) == (pins["pulumi"], pins["pulumi_policy"])  # CI's pins
