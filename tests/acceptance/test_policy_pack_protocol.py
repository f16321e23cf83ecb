"""The policy pack as the Pulumi CLI runs it: `policy/` started as a subprocess the way the CLI
starts a Python pack (both launch styles), driven over gRPC with the analyzer protocol's own
messages, in the CLI's call order: GetAnalyzerInfo, GetPluginInfo, Configure (each policy at its
reported level), Analyze per custom resource (its inputs), AnalyzeStack (every resource's
outputs). The resources are those the real program registers (the mock engine), shaped per
engine state as pulumi-azure-native shapes them (`support/engine_states.py`).

The pack's violations (rule id, level, object, message) must equal `foundry-estate validate`'s
for every rule, in dev and prod, Claude included; a compliant stack's first preview (outputs
of a create) must pass. Each pack process starts once per module (slow on shared cores).
"""

from __future__ import annotations

import shutil
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import pytest
from pulumi.runtime.proto import analyzer_pb2

from foundry_estate.guardrails import ENVIRONMENT_KEY, load_guardrails
from foundry_estate.guardrails.pack import PACK_NAME
from foundry_estate.preview.engine import Graph, run_function, run_program
from support.engine_states import STATES, engine_view
from support.examples import REPO
from support.policy_host import Pack, handshake_and_configure_stack, plugin_version, running_pack, violations
from support.verdicts import Verdict, pack_verdicts, validator_verdicts

POLICY = REPO / "policy"
CASES = REPO / "tests" / "guardrails"
CLAUDE = REPO / "tests" / "examples" / "valid" / "claude.yaml"


@pytest.fixture(autouse=True)
def at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def case_pack_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of `policy/` holding the test guardrails (tests/guardrails/guardrails.yaml)."""
    pack_dir = tmp_path_factory.mktemp("case-pack") / "policy"
    pack_dir.mkdir()
    for name in ("__main__.py", "PulumiPolicy.yaml"):
        shutil.copy(POLICY / name, pack_dir / name)
    shutil.copy(CASES / "guardrails.yaml", pack_dir / "guardrails.yaml")
    return pack_dir


@pytest.fixture(scope="module")
def shipped_packs() -> Iterator[dict[str, Pack]]:
    """The shipped pack as CLI 3.221+ starts it, for stacks prod and dev."""
    with running_pack(str(POLICY), "new", "prod") as prod, running_pack(str(POLICY), "new", "dev") as dev:
        yield {"prod": prod, "dev": dev}


@pytest.fixture(scope="module")
def case_packs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Pack]]:
    """The pack with the test guardrails as CLIs up to 3.220 start it (`. -toolchain=pip`)."""
    pack_dir = str(case_pack_dir(tmp_path_factory))
    with running_pack(pack_dir, "old", "prod") as prod, running_pack(pack_dir, "old", "dev") as dev:
        for stack, pack in (("prod", prod), ("dev", dev)):
            handshake_and_configure_stack(pack, stack)
        yield {"prod": prod, "dev": dev}


@lru_cache(maxsize=None)
def graph_of(manifest_file: str, stack: str, preview: bool) -> Graph:
    return run_program(stack, {"foundry-kit:manifest": manifest_file}, preview=preview)


def drive(pack: Pack, graph: Graph, state: str, config: dict | None = None) -> list[Verdict]:
    """One run of the CLI against the pack: its verdicts on `graph` in engine `state`."""
    info = pack.info()
    assert info.name == PACK_NAME
    pack.configure({policy.name: policy.enforcementLevel for policy in info.policies}, config)
    for resource in engine_view(graph, "inputs"):
        if resource.custom:
            assert list(pack.analyze(resource).diagnostics) == []  # every rule is a stack policy
    return pack_verdicts(graph, violations(pack.analyze_stack(engine_view(graph, state))))


def graph_for(manifest_file: Path | str, stack: str, state: str) -> Graph:
    """As `pulumi preview` of a new stack registers it for `create`; else as after apply."""
    return graph_of(str(manifest_file), stack, state == "create")


CASE_FILES = [pytest.param(path, path.parent.name, id=f"{path.parent.name}/{path.name}")
              for environment in ("prod", "dev") for path in sorted((CASES / environment).glob("*.yaml"))]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize(("manifest_file", "environment"), CASE_FILES)
def test_the_pack_under_the_cli_agrees_with_validate_on_every_case(
        case_packs: dict[str, Pack], manifest_file: Path, environment: str, state: str) -> None:
    expected = validator_verdicts(manifest_file.relative_to(REPO), environment, load_guardrails(CASES / "guardrails.yaml"))
    assert drive(case_packs[environment], graph_for(manifest_file, environment, state), state) == expected
    assert bool(expected) == manifest_file.name.endswith(".fail.yaml")


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("stack", ["dev", "prod"])
@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_the_pack_under_the_cli_agrees_with_validate_on_the_example_stacks(
        shipped_packs: dict[str, Pack], stack: str, environment: str, state: str) -> None:
    """Each stack passes its own environment's rules in every state (its first preview included)
    and breaks the other's with the same rules, objects and words as validate."""
    expected = validator_verdicts(f"stacks/{stack}.yaml", environment, load_guardrails())
    assert drive(shipped_packs[environment], graph_for(f"stacks/{stack}.yaml", stack, state), state) == expected
    assert bool(expected) == (stack != environment)


@pytest.mark.parametrize("state", STATES)
def test_the_pack_under_the_cli_refuses_an_unapproved_claude_model_in_prod(shipped_packs: dict[str, Pack],
                                                                          state: str) -> None:
    expected = validator_verdicts(CLAUDE.relative_to(REPO), "prod", load_guardrails())
    assert ("deployment-approved-model", "error") in {(rule, severity) for rule, severity, ref, _ in expected
                                                      if ref.kind == "deployment"}
    assert drive(shipped_packs["prod"], graph_for(CLAUDE, "prod", state), state) == expected


# Mutations of the example prod stack: (file under stacks/, text, its replacement).
MUTATIONS = {
    "weakened-filter": ("common.yaml", "      violence: medium\n      selfHarm: low\n      jailbreak: block\n",
                        "      violence: high\n      selfHarm: low\n      jailbreak: annotate\n"),
    "unapproved-model-over-capacity": ("prod.yaml", "model: {format: xAI, name: grok-4, version: \"1\"}\n        sku: GlobalStandard\n"
                                                    "        capacity: 200",
                                       "model: {format: xAI, name: grok-code-fast-1, version: \"1\"}\n"
                                       "        sku: GlobalStandard\n        capacity: 500"),
    # 30 PTUs of GlobalProvisionedManaged: $21,900 a month at list price, over the shipped $20,000 of prod
    "over-monthly-cost": ("prod.yaml", "sku: GlobalProvisionedManaged\n        capacity: 15\n",
                          "sku: GlobalProvisionedManaged\n        capacity: 30\n"),
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_the_pack_under_the_cli_agrees_with_validate_on_mutations_of_the_prod_stack(
        shipped_packs: dict[str, Pack], mutations: dict[str, Path], mutation: str, state: str) -> None:
    manifest_file = mutations[mutation]
    expected = validator_verdicts(manifest_file, "prod", load_guardrails())
    assert expected  # the mutation breaks rules
    assert drive(shipped_packs["prod"], graph_for(manifest_file, "prod", state), state) == expected


@pytest.fixture(scope="module")
def mutations(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each mutation: stacks/prod.yaml (with the common.yaml it extends) copied and changed."""
    made = {}
    for mutation, (name, old, new) in MUTATIONS.items():
        directory = tmp_path_factory.mktemp(mutation)
        for stack_file in ("common.yaml", "prod.yaml"):
            shutil.copy(REPO / "stacks" / stack_file, directory / stack_file)
        text = (directory / name).read_text()
        assert text.count(old) == 1, f"stacks/{name} changed: update MUTATIONS['{mutation}']"
        (directory / name).write_text(text.replace(old, new))
        made[mutation] = directory / "prod.yaml"
    return made


def test_the_pack_says_which_environment_it_applies(shipped_packs: dict[str, Pack]) -> None:
    for stack, pack in shipped_packs.items():
        assert pack.engine.logs == [("info", f"{PACK_NAME}: applying the guardrails of environment '{stack}' "
                                             f"(stack {stack}) from {POLICY / 'guardrails.yaml'}")]
        assert plugin_version(pack)
    levels = {p.name: p.enforcementLevel for p in shipped_packs["dev"].info().policies}
    assert levels["account-private-endpoints"] == analyzer_pb2.DISABLED  # in dev, as guardrails.yaml says
    assert levels["account-protected"] == analyzer_pb2.MANDATORY


def test_a_stack_config_names_the_environment(tmp_path_factory: pytest.TempPathFactory) -> None:
    with running_pack(str(POLICY), "old", "sandbox-7", {ENVIRONMENT_KEY: "dev"}) as pack:
        assert pack.engine.logs == [("info", f"{PACK_NAME}: applying the guardrails of environment 'dev' (the "
                                             f"{ENVIRONMENT_KEY} config of stack sandbox-7) from {POLICY / 'guardrails.yaml'}")]
        assert drive(pack, graph_for("stacks/dev.yaml", "dev", "create"), "create") == []


def test_without_a_stack_the_pack_warns_and_its_config_names_the_environment() -> None:
    """`pulumi policy publish` and CLIs that pass no stack: the pack says it has none, lists the
    rules as written, and applies the environment each policy's config names."""
    with running_pack(str(POLICY), "new", None) as pack:
        [(severity, message)] = pack.engine.logs
        assert severity == "warning" and message.startswith(f"{PACK_NAME}: no stack named (PULUMI_STACK is not set")
        assert "set 'environment' in the pack's config or run it with a stack" in message
        dev = graph_for("stacks/dev.yaml", "dev", "create")
        as_written = drive(pack, dev, "create")
        assert as_written == validator_verdicts("stacks/dev.yaml", "default", load_guardrails()) != []
        configured = {policy.name: {"environment": "dev"} for policy in pack.info().policies}
        assert drive(pack, dev, "create", configured) == []


def test_a_stack_whose_environment_the_guardrails_do_not_name_gets_the_rules_as_written() -> None:
    """As validate does: every rule as written, messages saying production, and a warning."""
    with running_pack(str(POLICY), "new", "prod-eu") as pack:
        assert pack.engine.logs == [("warning", f"{PACK_NAME}: applying the guardrails of environment 'prod-eu' (stack "
                                                f"prod-eu) from {POLICY / 'guardrails.yaml'}, which does not name it: "
                                                "every rule applies as written (production's settings)")]
        expected = validator_verdicts("stacks/dev.yaml", "prod-eu", load_guardrails())
        assert expected and all("in production" in message for _, _, _, message in expected if " in " in message)
        assert drive(pack, graph_for("stacks/dev.yaml", "dev", "create"), "create") == expected


def hand_written_compliant() -> None:
    """A dev-compliant account, content filter and deployment written without the kit's components,
    under logical names the kit's naming does not explain."""
    import pulumi
    from pulumi_azure_native import cognitiveservices

    account = cognitiveservices.Account(
        "team-account", account_name="aif-team-dev", resource_group_name="rg", kind="AIServices", sku={"name": "S0"},
        identity={"type": "SystemAssigned"}, properties={"disable_local_auth": True},
        tags={"owner": "team", "environment": "dev"}, opts=pulumi.ResourceOptions(protect=True))
    policy = cognitiveservices.RaiPolicy(
        "team-filter", account_name=account.name, resource_group_name="rg", rai_policy_name="own-filter",
        properties={"base_policy_name": "Microsoft.DefaultV2", "mode": "Default"})
    cognitiveservices.Deployment(
        "team-chat", account_name=account.name, resource_group_name="rg", deployment_name="chat",
        sku={"name": "GlobalStandard", "capacity": 10},
        properties={"model": {"format": "OpenAI", "name": "gpt-5.1", "version": "2025-11-13"},
                    "rai_policy_name": "own-filter", "version_upgrade_option": "NoAutoUpgrade"},
        opts=pulumi.ResourceOptions(depends_on=[policy]))


@pytest.mark.parametrize("state", STATES)
def test_the_pack_identifies_resources_written_by_hand_in_every_state(shipped_packs: dict[str, Pack], state: str) -> None:
    """Their outputs name neither the filter nor, during a create, anything: the pack reads the
    inputs the engine analyzed first. A compliant hand-written stack's first preview passes; a
    deployment naming a filter the stack lacks is still refused."""
    graph = run_function(hand_written_compliant, "dev", preview=state == "create")
    assert drive(shipped_packs["dev"], graph, state) == []
    missing = Graph([*(r for r in graph.resources if r.type != "azure-native:cognitiveservices:RaiPolicy")])
    assert [(rule, message) for rule, _, _, message in drive(shipped_packs["dev"], missing, state)] == [
        ("deployment-content-filter", "content filter 'own-filter' is not defined in this stack, so its settings cannot be checked"),
        ("filter-harm-levels", "content filter 'own-filter' is not defined in this stack, so its settings cannot be checked"),
        ("filter-jailbreak", "content filter 'own-filter' is not defined in this stack, so its settings cannot be checked")]
