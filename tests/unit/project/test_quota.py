"""`foundry-estate quota`: capacity added up over the stacks of one subscription, against budgets
(and the same check in `foundry-estate validate`); `--live` on fake Azure lists; no network."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from foundry_estate.cli import main as cli
from support.examples import copy_examples
from foundry_estate.live import client as live

SUBSCRIPTION = "11111111-2222-3333-4444-555555555555"
GUARDRAILS = """version: 1
environments: {alpha: one stack, beta: another}
rules:
  deployment-version-pinned: {description: Versions are pinned., level: mandatory}
"""


def manifest(name: str, budget: int | None, deployments: dict[str, tuple[str, int]]) -> str:
    quotas = f"quotas:\n  - {{location: eastus2, sku: GlobalStandard, model: grok-4, limit: {budget}}}\n" if budget else ""
    lines = "".join(f"      {key}:\n        model: {{format: xAI, name: {model}, version: \"1\"}}\n"
                    f"        sku: GlobalStandard\n        capacity: {capacity}\n"
                    for key, (model, capacity) in deployments.items())
    return (f"version: 1\nlocation: eastus2\nresourceGroup: {{name: rg-{name}}}\n{quotas}"
            f"accounts:\n  core:\n    name: aif-{name}\n    deployments:\n{lines}")


def stack(root: Path, name: str, subscription: str | None, text: str) -> None:
    config = f"  azure-native:subscriptionId: {subscription}\n" if subscription else ""
    (root / "stacks" / f"Pulumi.{name}.yaml").write_text(f"config:\n  azure-native:location: eastus2\n{config}")
    (root / "stacks" / f"{name}.yaml").write_text(text)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Stacks alpha (budget 100) and beta (budget 150) in one subscription, asking 60 + 70 grok-4."""
    (tmp_path / "Pulumi.yaml").write_text("name: t\nruntime: python\n")
    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "guardrails.yaml").write_text(GUARDRAILS)
    (tmp_path / "stacks").mkdir()
    stack(tmp_path, "alpha", SUBSCRIPTION, manifest("alpha", 100, {"grok": ("grok-4", 60), "fast": ("grok-4-fast-reasoning", 5)}))
    stack(tmp_path, "beta", SUBSCRIPTION.upper(), manifest("beta", 150, {"grok": ("grok-4", 70)}))
    monkeypatch.chdir(tmp_path)
    return tmp_path


OVER = ("stacks/alpha.yaml:5:68: quotas[0].limit: deployments in subscription 11111111-2222-3333-4444-555555555555 "
        "request 130 capacity units of grok-4 GlobalStandard in eastus2, over the limit of 100: "
        "alpha/core/grok (60), beta/core/grok (70)")


def test_stacks_of_one_subscription_add_up_and_the_smallest_budget_applies(project, capsys) -> None:
    assert cli.main(["quota"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "subscription 11111111-2222-3333-4444-555555555555: stacks alpha, beta",
        "  eastus2 GlobalStandard grok-4: 130 requested, budget 100 (the smallest of alpha 100, beta 150), over by 30: "
        "alpha/core/grok (60), beta/core/grok (70)",
        "  eastus2 GlobalStandard grok-4-fast-reasoning: 5 requested, no budget: alpha/core/fast (5)",
        "2 stacks in 1 subscription: 1 budget passed",
    ]
    assert err.splitlines() == [OVER]  # beta's budget of 150 holds: only alpha's is passed


def test_within_budget_exits_0_with_the_headroom(project, capsys) -> None:
    stack(project, "beta", SUBSCRIPTION, manifest("beta", 100, {"grok": ("grok-4", 40)}))
    assert cli.main(["quota"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "  eastus2 GlobalStandard grok-4: 100 requested, budget 100, headroom 0: alpha/core/grok (60), beta/core/grok (40)"
    assert out[-1] == "2 stacks in 1 subscription: every budget holds"


def test_a_stack_without_subscription_is_its_own_group(project, capsys) -> None:
    stack(project, "beta", None, manifest("beta", 150, {"grok": ("grok-4", 70)}))
    assert cli.main(["quota"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "subscription 11111111-2222-3333-4444-555555555555: stack alpha"
    assert out[3] == ("unknown subscription (stack beta): set azure-native:subscriptionId in its Pulumi config to add "
                      "it up with the stacks of its subscription")
    assert out[4] == "  eastus2 GlobalStandard grok-4: 70 requested, budget 150, headroom 80: beta/core/grok (70)"
    assert out[-1] == "2 stacks in 2 subscriptions: every budget holds"


def test_files_name_stacks_or_stand_alone(project, capsys) -> None:
    (project / "loose.yaml").write_text(manifest("loose", None, {"grok": ("grok-4", 500)}))
    assert cli.main(["quota", "stacks/alpha.yaml", "loose.yaml"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "subscription 11111111-2222-3333-4444-555555555555: stack alpha"
    assert out[3].startswith("unknown subscription (stack loose): ")


def test_json(project, capsys) -> None:
    assert cli.main(["quota", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    group, = report["subscriptions"]
    assert (group["subscription"], group["stacks"]) == (SUBSCRIPTION, ["alpha", "beta"])
    grok = group["quotas"][0]
    assert {key: grok[key] for key in ("location", "sku", "model", "requested", "limit", "headroom")} == \
        {"location": "eastus2", "sku": "GlobalStandard", "model": "grok-4", "requested": 130, "limit": 100, "headroom": -30}
    assert grok["budgets"] == [
        {"stack": "alpha", "limit": 100, "file": "stacks/alpha.yaml", "line": 5, "column": 68, "path": "quotas[0].limit"},
        {"stack": "beta", "limit": 150, "file": "stacks/beta.yaml", "line": 5, "column": 68, "path": "quotas[0].limit"}]
    assert grok["contributors"] == [{"stack": "alpha", "deployment": "core/grok", "capacity": 60},
                                    {"stack": "beta", "deployment": "core/grok", "capacity": 70}]
    assert [(p["file"], p["line"], p["column"], p["path"]) for p in report["problems"]] == \
        [("stacks/alpha.yaml", 5, 68, "quotas[0].limit")]


def test_validate_of_the_stacks_fails_on_a_shared_overrun(project, capsys) -> None:
    assert cli.main(["validate"]) == 1
    assert capsys.readouterr().out.splitlines() == [OVER, "1 error in 1 file"]
    assert cli.main(["validate", "stacks/alpha.yaml", "stacks/beta.yaml"]) == 0  # named files: each alone


def test_validate_reports_a_shared_overrun_with_every_other_error_at_once(project, capsys) -> None:
    """beta has an error of its own (a capacity that is no number): its well-formed deployments
    still count toward the subscription's budget, so the overrun is not hidden until it is fixed."""
    stack(project, "beta", SUBSCRIPTION, manifest("beta", 150, {"grok": ("grok-4", 70), "other": ("grok-4", "five")}))
    assert cli.main(["validate"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        OVER,
        "stacks/beta.yaml:17:19: accounts.core.deployments.other.capacity: expected an integer, got the string 'five'",
        "2 errors in 2 files"]


def test_a_budget_passed_by_its_own_manifest_is_reported_once(project, capsys) -> None:
    """beta alone passes its budget of 50 (its own error); with alpha it passes it too: one error there."""
    stack(project, "beta", SUBSCRIPTION, manifest("beta", 50, {"grok": ("grok-4", 70)}))
    assert cli.main(["validate"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        OVER,
        "stacks/beta.yaml:5:68: quotas[0].limit: deployments request 70 capacity units of grok-4 GlobalStandard in "
        "eastus2, over the limit of 50: accounts.core.deployments.grok (70)",
        "2 errors in 2 files"]


def test_an_invalid_manifest_is_reported_not_summed(project, capsys) -> None:
    stack(project, "beta", SUBSCRIPTION, manifest("beta", 50, {"grok": ("grok-4", 70)}))
    assert cli.main(["quota"]) == 1
    err = capsys.readouterr().err
    assert "stacks/beta.yaml:5:68: quotas[0].limit: deployments request 70 capacity units" in err


def test_the_example_stacks_share_a_subscription_within_budget(monkeypatch, tmp_path, capsys) -> None:
    monkeypatch.chdir(copy_examples(tmp_path))
    assert cli.main(["quota"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "subscription 00000000-0000-0000-0000-000000000000: stacks dev, prod"
    assert "  eastus2 GlobalStandard grok-4: 220 requested, budget 400, headroom 180: dev/core/grok-4 (20), " \
           "prod/core/grok-4 (200)" in out


# --- --live, on fake lists ------------------------------------------------------------------------

class FakeAzure:
    def __init__(self, subscription: str, endpoint: str | None = None, timeout: float | None = None):
        self.subscription = subscription

    def parallel(self, calls: list) -> list:
        return [call() for call in calls]

    def models(self, location: str) -> list[dict]:
        skus = [{"name": "GlobalStandard", "usageName": "AIServices.GlobalStandard.grok-4"}]
        return [{"model": {"format": "xAI", "name": "grok-4", "version": "1", "skus": skus}, "kind": "AIServices"}]

    def usages(self, location: str) -> list[dict]:
        return [{"name": {"value": "AIServices.GlobalStandard.grok-4"}, "currentValue": 20.0, "limit": 120.0}]


def test_live_compares_with_free_quota_per_usage_name(project, monkeypatch, capsys) -> None:
    monkeypatch.setattr(live, "connect", FakeAzure)
    assert cli.main(["quota", "--live", "--subscription", SUBSCRIPTION]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:3] == [
        f"subscription {SUBSCRIPTION}, quota free in Azure (limit - current value) against what 2 stacks alpha, beta request:",
        "  eastus2 AIServices.GlobalStandard.grok-4: 130 requested, 100 free (limit 120 - current 20): short by 30 "
        "(eastus2 GlobalStandard grok-4: alpha/core/grok (60), beta/core/grok (70))",
        "  eastus2 (no usage name): 5 requested, the models list of eastus2 does not offer this model in this SKU "
        "(eastus2 GlobalStandard grok-4-fast-reasoning: alpha/core/fast (5))",
    ]
    assert cli.main(["quota", "--live", "--subscription", SUBSCRIPTION, "--format", "json"]) == 0
    pools = json.loads(capsys.readouterr().out)["pools"]
    assert [(p["usageName"], p["requested"], p["free"], p["short"]) for p in pools] == \
        [("AIServices.GlobalStandard.grok-4", 130, 100.0, 30.0), (None, 5, None, None)]


def test_live_needs_a_subscription_with_stacks(project, monkeypatch, capsys) -> None:
    monkeypatch.setattr(live, "connect", FakeAzure)
    assert cli.main(["quota", "--live"]) == 0  # the one subscription the stacks name
    assert capsys.readouterr().out.startswith(f"subscription {SUBSCRIPTION}, quota free in Azure")
    assert cli.main(["quota", "--subscription", SUBSCRIPTION]) == 1
    assert "--subscription reads Azure's quota of that subscription: add --live" in capsys.readouterr().err
    assert cli.main(["quota", "--live", "--subscription", "99999999-0000-0000-0000-000000000000"]) == 1
    assert "no stack deploys to subscription 99999999-0000-0000-0000-000000000000" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["quota", "--live", "--subscription", SUBSCRIPTION],
                                  ["catalog", "refresh", "--subscription", SUBSCRIPTION, "--location", "eastus2"]])
def test_without_the_live_extra_the_live_commands_say_how_to_install_it(project, monkeypatch, capsys, argv) -> None:
    for module in ("azure", "azure.core", "azure.identity", "azure.mgmt", "azure.mgmt.core"):
        monkeypatch.setitem(sys.modules, module, None)  # an import of any of them fails, installed or not
    assert cli.main(argv) == 1
    err = capsys.readouterr().err
    assert "the live commands need the optional extra 'live'" in err and "pip install 'foundry-estate[live]'" in err
