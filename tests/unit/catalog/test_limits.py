"""Azure's limits and regions (catalog/azure-limits.yaml): per manifest, and across the stacks of a
subscription (validate with no files, and quota)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from foundry_estate.catalog.limits import load_limits, shipped_limits
from foundry_estate.cli import main as cli
from foundry_estate.errors import KitError
from foundry_estate.manifest.loader import load
from foundry_estate.validate import validate
from support.examples import REPO
from support.today import PINNED

LIMITS_PAGE = "https://learn.microsoft.com/azure/foundry/foundry-models/quotas-limits"


def deployment(name: str) -> str:
    return (f"      {name}:\n        model: {{format: xAI, name: grok-4, version: \"1\"}}\n"
            "        sku: GlobalStandard\n        capacity: 1\n")


def account(key: str, deployments: int = 1, location: str = "") -> str:
    where = f"    location: {location}\n" if location else ""
    return (f"  {key}:\n    name: aif-{key}\n{where}    deployments:\n"
            + "".join(deployment(f"d{index}") for index in range(deployments)))


def manifest(accounts: str, location: str = "eastus2", group: str = "rg") -> str:
    return f"version: 1\nlocation: {location}\nresourceGroup: {{name: {group}}}\naccounts:\n{accounts}"


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "m.yaml"
    path.write_text(text)
    try:
        return [str(p) for p in validate(load(str(path)), PINNED).warnings]
    except KitError as error:
        return [str(p) for p in error.problems]


def test_the_shipped_limits_name_their_sources() -> None:
    limits = shipped_limits()
    assert (limits.deployments_per_account.value, limits.deployments_per_account.source) == (32, LIMITS_PAGE)
    assert (limits.accounts_per_region.value, limits.accounts_per_region.source) == (100, LIMITS_PAGE)
    assert {"eastus2", "westeurope", "swedencentral"} <= limits.regions


def test_a_broken_limits_file_is_reported_at_its_line(tmp_path: Path) -> None:
    text = (REPO / "catalog" / "azure-limits.yaml").read_text().replace("value: 32", "value: thirty-two")
    (tmp_path / "limits.yaml").write_text(text)
    with pytest.raises(KitError) as error:
        load_limits(str(tmp_path / "limits.yaml"))
    line = text.splitlines().index("    value: thirty-two") + 1
    assert [str(p) for p in error.value.problems] == [
        f"{tmp_path}/limits.yaml:{line}:12: limits.deploymentsPerAccount.value: expected an integer, got the string 'thirty-two'"]


def test_more_deployments_than_an_account_holds(tmp_path: Path) -> None:
    assert problems(tmp_path, manifest(account("core", 32))) == []
    assert problems(tmp_path, manifest(account("core", 33))) == [
        f"{tmp_path}/m.yaml:7:5: accounts.core.deployments: account 'core' has 33 deployments: Azure allows at most 32 "
        f"model deployments in one Foundry (AI Services / Azure OpenAI) account ({LIMITS_PAGE}): split them across accounts"]


def test_more_accounts_in_one_region_than_a_subscription_holds(tmp_path: Path) -> None:
    text = manifest("".join(account(f"a{index:03}") for index in range(100)) + account("other", location="westus3"))
    assert problems(tmp_path, text) == []
    text = manifest("".join(account(f"a{index:03}") for index in range(102)))
    line = text.splitlines().index("  a100:") + 1
    assert problems(tmp_path, text) == [
        f"{tmp_path}/m.yaml:{line}:3: accounts.a100: 102 accounts in eastus2, from this one on over the limit: Azure "
        f"allows at most 100 Foundry (AI Services / Azure OpenAI) accounts in one region of one subscription "
        f"({LIMITS_PAGE}): move some to another region or subscription"]


def test_a_region_typo_is_an_error_and_an_unknown_region_a_warning(tmp_path: Path) -> None:
    text = manifest(account("core") + account("edge", location="eastus3") + account("far", location="atlantis"),
                    location="westeurop")
    assert problems(tmp_path, text) == [
        f"{tmp_path}/m.yaml:2:11: location: 'westeurop' is not an Azure region (did you mean 'westeurope'?) "
        "(https://learn.microsoft.com/azure/reliability/regions-list)",
        f"{tmp_path}/m.yaml:14:15: accounts.edge.location: 'eastus3' is not an Azure region (did you mean 'eastus'?) "
        "(https://learn.microsoft.com/azure/reliability/regions-list)",
        f"{tmp_path}/m.yaml:22:15: accounts.far.location: warning: 'atlantis' is not a region in "
        "catalog/azure-limits.yaml: check the name (az account list-locations), or add it there if Azure opened it recently"]


# --- across the stacks of a subscription -----------------------------------------------------------

SUBSCRIPTION = "11111111-2222-3333-4444-555555555555"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "Pulumi.yaml").write_text("name: t\nruntime: python\n")
    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "guardrails.yaml").write_text(
        "version: 1\nenvironments: {dev: d, dev2: d, prod: p, alpha: a, beta: b}\nrules:\n"
        "  account-protected: {description: Protected., level: advisory}\n")
    (tmp_path / "stacks").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def stack(root: Path, name: str, text: str, subscription: str | None = SUBSCRIPTION) -> None:
    (root / "stacks" / f"{name}.yaml").write_text(text)
    config = f"config:\n  azure-native:subscriptionId: {subscription}\n" if subscription else "config: {}\n"
    (root / "stacks" / f"Pulumi.{name}.yaml").write_text(config)


def test_a_copied_stack_claiming_the_same_account_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stack(project, "dev", manifest(account("core")))
    stack(project, "dev2", manifest(account("core")))  # a copy of dev.yaml as a new stack
    assert cli.main(["validate"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "stacks/dev2.yaml:6:11: accounts.core.name: account 'aif-core' in resource group 'rg' is also declared by stack "
        "dev (stacks/dev.yaml:6:11): both stacks would manage one Azure account and quota would count it twice: give "
        "this stack its own resource group or account name",
        "1 error in 1 file"]


def test_another_resource_group_still_collides_on_the_global_subdomain(project: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    stack(project, "dev", manifest(account("core")))
    stack(project, "prod", manifest(account("core"), group="rg-prod"), subscription=None)
    assert cli.main(["quota"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "stacks/prod.yaml:6:11: accounts.core.name: custom subdomain 'aif-core' is also used by stack dev "
        "(stacks/dev.yaml:6:11): Azure subdomains are global, so the second account cannot be created: set subdomain "
        "(or the account name) to one of this stack's own"]


def test_accounts_per_region_add_up_over_the_stacks_of_a_subscription(project: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    stack(project, "alpha", manifest("".join(account(f"a{index:03}") for index in range(60))))
    stack(project, "beta", manifest("".join(account(f"b{index:03}") for index in range(41)), group="rg-beta"))
    assert cli.main(["validate"]) == 1
    out = capsys.readouterr().out.splitlines()
    line = manifest("".join(account(f"b{index:03}") for index in range(41))).splitlines().index("  b040:") + 1
    assert out == [
        f"stacks/beta.yaml:{line}:3: accounts.b040: 101 accounts in eastus2 in subscription {SUBSCRIPTION} across stacks "
        f"alpha (60), beta (41), from this one on over the limit: Azure allows at most 100 Foundry (AI Services / Azure "
        f"OpenAI) accounts in one region of one subscription ({LIMITS_PAGE}): move some to another region or subscription",
        "1 error in 1 file"]
    stack(project, "beta", manifest("".join(account(f"b{index:03}") for index in range(40)), group="rg-beta"))
    assert cli.main(["validate"]) == 0
