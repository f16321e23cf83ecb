"""The live layer (foundry_estate/live/client.py) with the real Azure SDK against a fake Azure
Resource Manager on 127.0.0.1 (tests/support/fake_arm.py): paging, throttling, permission,
missing resources, server errors; `catalog refresh` and `quota --live` end to end."""

from __future__ import annotations

import json
import os

import pytest

from foundry_estate.cli import main as cli
from foundry_estate.errors import KitError
from foundry_estate.live import client
from support import arm_spec
from support.fake_arm import SUBSCRIPTION, account, deployment

EXAMPLES = os.path.join(os.path.dirname(arm_spec.SPEC), "examples")


def example(name: str) -> dict:
    with open(os.path.join(EXAMPLES, name), encoding="utf-8") as handle:
        return json.load(handle)["responses"]["200"]["body"]


def test_lists_are_read_page_by_page_with_the_token(fake_arm) -> None:
    fake_arm.page_size = 2
    for index in range(5):
        account(fake_arm, "rg-ai", f"aif-{index}")
    found = client.connect(SUBSCRIPTION).accounts("rg-ai")
    assert [a["name"] for a in found] == [f"aif-{index}" for index in range(5)]
    assert found[0]["properties"]["customSubDomainName"] == "aif-0"
    pages = [r for r in fake_arm.requests if r.path.endswith("/accounts")]
    assert [r.query.get("$skiptoken", ["0"])[0] for r in pages] == ["0", "2", "4"]
    assert {r.authorization for r in fake_arm.requests} == {"Bearer test-token"}


def test_throttling_waits_what_retry_after_says_then_reads(fake_arm) -> None:
    entry = account(fake_arm, "rg-ai", "aif-core")
    deployment(entry, "gpt", ("OpenAI", "gpt-4.1-mini", "2025-04-14"))
    fake_arm.fail("/accounts/aif-core/deployments", 429, "TooManyRequests", headers={"Retry-After": "7"}, times=2)
    found = client.connect(SUBSCRIPTION).deployments("rg-ai", "aif-core")
    assert [d["name"] for d in found] == ["gpt"]
    assert fake_arm.sleeps == [7, 7]


def test_retries_are_bounded(fake_arm) -> None:
    account(fake_arm, "rg-ai", "aif-core")
    fake_arm.fail("/accounts/aif-core/raiPolicies", 429, "TooManyRequests", headers={"Retry-After": "1"}, times=50)
    with pytest.raises(KitError) as error:
        client.connect(SUBSCRIPTION).rai_policies("rg-ai", "aif-core")
    assert str(error.value) == (
        f".:1:1: cannot read the content filters (RAI policies) of account aif-core in subscription "
        f"{SUBSCRIPTION}: Azure is throttling the reads (429 after {client.RETRIES} retries); try again in a few minutes")
    assert len([r for r in fake_arm.requests if r.path.endswith("/raiPolicies")]) == client.RETRIES + 1


def test_permission_denied_says_which_role_to_ask_for(fake_arm) -> None:
    fake_arm.fail("/resourceGroups/rg-ai/providers/Microsoft.CognitiveServices/accounts", 403, "AuthorizationFailed",
                  "The client does not have authorization to perform action")
    with pytest.raises(KitError) as error:
        client.connect(SUBSCRIPTION).accounts("rg-ai")
    assert str(error.value) == (
        f".:1:1: cannot read the Foundry accounts of resource group rg-ai in subscription {SUBSCRIPTION}: "
        "permission denied (AuthorizationFailed: The client does not have authorization to perform action). Ask for "
        "the Reader role (or Cognitive Services Contributor) on the resource group or subscription")


def test_a_missing_resource_group_is_named(fake_arm) -> None:
    with pytest.raises(KitError) as error:
        client.connect(SUBSCRIPTION).accounts("rg-nope")
    assert str(error.value) == (
        f".:1:1: cannot read the Foundry accounts of resource group rg-nope: resource group rg-nope "
        f"does not exist in subscription {SUBSCRIPTION} (ResourceGroupNotFound: Resource group 'rg-nope' could not be "
        "found.). Check --resource-group, --account and --subscription")


def test_a_missing_account_is_named(fake_arm) -> None:
    account(fake_arm, "rg-ai", "aif-core")
    with pytest.raises(KitError, match=r"cannot read account aif-other in resource group rg-ai: account aif-other in "
                                       r"resource group rg-ai was not found in subscription"):
        client.connect(SUBSCRIPTION).account("rg-ai", "aif-other")


def test_server_errors_are_retried_then_reported(fake_arm) -> None:
    account(fake_arm, "rg-ai", "aif-core")
    fake_arm.fail("/accounts/aif-core/projects", 500, "InternalServerError", "boom", times=1)
    assert client.connect(SUBSCRIPTION).projects("rg-ai", "aif-core") == []  # one 500, then the answer
    fake_arm.fail("/accounts/aif-core/projects", 500, "InternalServerError", "boom", times=client.RETRIES + 1)
    with pytest.raises(KitError, match=r"Azure answered 500 \(InternalServerError: boom\); try again later$"):
        client.connect(SUBSCRIPTION).projects("rg-ai", "aif-core")


def test_arm_endpoint_must_be_https(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(KitError, match="Azure Resource Manager is reached over https://"):
        client.arm_endpoint("http://127.0.0.1:1")
    monkeypatch.delenv(client.ENDPOINT_VARIABLE, raising=False)
    assert client.arm_endpoint() == "https://management.azure.com"
    assert client.credential_scope("https://management.usgovcloudapi.net") == "https://management.core.usgovcloudapi.net/.default"
    assert client.credential_scope("https://arm.contoso.test") == "https://arm.contoso.test/.default"


def test_the_token_from_the_environment_is_the_credential(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(client.TOKEN_VARIABLE, " abc ")
    token = client.credential().get_token("https://management.azure.com/.default")
    assert token.token == "abc"


def test_catalog_refresh_end_to_end(fake_arm, capsys: pytest.CaptureFixture[str]) -> None:
    sku = {"name": "GlobalStandard", "usageName": "AIServices.GlobalStandard.grok-4"}
    fake_arm.models["eastus2"] = [{"model": {"format": "xAI", "name": "grok-4", "version": "2", "skus": [sku],
                                             "lifecycleStatus": "Preview"}, "kind": "AIServices"}]
    assert cli.main(["catalog", "refresh", "--subscription", SUBSCRIPTION, "--location", "eastus2"]) == 0
    assert "  xAI grok-4 version 2: offered in eastus2, not in the catalog" in capsys.readouterr().out.splitlines()
    assert [r.path for r in fake_arm.requests] == [
        f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.CognitiveServices/locations/eastus2/models"]


def test_quota_live_end_to_end_on_the_spec_example(fake_arm, tmp_path, monkeypatch, capsys) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: t\nruntime: python\n")
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "Pulumi.s.yaml").write_text(f"config:\n  azure-native:subscriptionId: {SUBSCRIPTION}\n")
    (tmp_path / "stacks" / "s.yaml").write_text(
        "version: 1\nlocation: eastus2\nresourceGroup: {name: rg}\naccounts:\n  core:\n    name: aif-core\n"
        "    deployments:\n      gpt:\n        model: {format: OpenAI, name: gpt-4.1-mini, version: '2025-04-14'}\n"
        "        sku: GlobalStandard\n        capacity: 10\n")
    monkeypatch.chdir(tmp_path)
    fake_arm.usages["eastus2"] = example("ListUsages.json")["value"]
    assert cli.main(["quota", "--live", "--subscription", SUBSCRIPTION]) == 0
    out = capsys.readouterr().out
    assert SUBSCRIPTION in out
    assert {r.path.rsplit("/", 1)[-1] for r in fake_arm.requests} == {"models", "usages"}


def test_the_command_line_reports_azure_errors_without_a_traceback(fake_arm, capsys) -> None:
    fake_arm.fail("/locations/eastus2/models", 403, "AuthorizationFailed", "no")
    assert cli.main(["catalog", "refresh", "--subscription", SUBSCRIPTION, "--location", "eastus2"]) == 1
    err = capsys.readouterr().err
    assert "permission denied (AuthorizationFailed: no)" in err and "Traceback" not in err


def test_a_rejected_token_says_how_to_sign_in(fake_arm) -> None:
    fake_arm.fail("/locations/eastus2/usages", 401, "InvalidAuthenticationToken", "The access token has expired")
    with pytest.raises(KitError) as error:
        client.connect(SUBSCRIPTION).usages("eastus2")
    assert str(error.value) == (
        f".:1:1: cannot read the usages of eastus2 in subscription {SUBSCRIPTION}: not signed in "
        "(InvalidAuthenticationToken: The access token has expired). Run `az login`, or set FOUNDRY_KIT_ACCESS_TOKEN "
        "to a token from `az account get-access-token --query accessToken -o tsv`")


def test_an_unreachable_endpoint_is_named(fake_arm, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(KitError, match=r"cannot reach Azure Resource Manager to read the models list of eastus2: .*"
                                       r"Check --arm-endpoint and the network$"):
        client.connect(SUBSCRIPTION, f"https://127.0.0.1:{port}").models("eastus2")
