"""`foundry-estate drift`: an estate imported (so the manifest matches Azure), then changed behind the
manifest's back on the fake ARM; drift names every kind of difference in plain words, with exit
codes 0 (none), 2 (drift), 1 (user error)."""

from __future__ import annotations

import json

import pytest

from foundry_estate.cli import main as cli
from support.fake_arm import SUBSCRIPTION, account, blocklist_item, deployment
from test_import import GROUP, contoso, project  # noqa: F401 - the estate and the project fixture

ARGS = ["drift", "--stack", "estate"]


@pytest.fixture
def imported(fake_arm, project, capsys):  # noqa: F811
    contoso(fake_arm)
    assert cli.main(["import", "--resource-group", GROUP, "--stack", "estate", "--subscription", SUBSCRIPTION]) == 0
    capsys.readouterr()
    return fake_arm.groups[GROUP]


def test_no_drift_right_after_import(imported, capsys) -> None:
    assert cli.main(ARGS) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (f"Stack estate: no drift: Azure matches the manifest (resource group {GROUP}, subscription "
                      f"{SUBSCRIPTION})")


def test_each_kind_of_drift_is_said(imported, fake_arm, capsys) -> None:
    core = imported["aif-contoso-eus2"]
    grok, llama = core["deployments"]
    grok["sku"]["capacity"] = 80  # raised in the portal
    grok["properties"]["model"]["version"] = "2"  # auto-upgraded (its upgrade option allows it)
    llama["sku"]["name"] = "Standard"
    strict = core["raiPolicies"][0]["properties"]["contentFilters"]
    next(e for e in strict if e["name"] == "Violence" and e["source"] == "Prompt")["severityThreshold"] = "High"
    blocklist_item(core, "banned", "added-by-hand", "new term")
    core["raiBlocklistItems"]["banned"] = [i for i in core["raiBlocklistItems"]["banned"]
                                           if i["properties"]["pattern"] != "Pattern To Block"]
    deployment(core, "side-project", ("xAI", "grok-4", "1"), capacity=1)  # made by hand
    core["projects"].clear()  # deleted in the portal
    account(fake_arm, GROUP, "aif-stray")
    assert cli.main(ARGS) == 2
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (f"Stack estate: 9 differences between Azure and the manifest (resource group {GROUP}, "
                      f"subscription {SUBSCRIPTION})")
    assert sorted(out[1:]) == sorted([
        "  estate · aif-contoso-eus2 · content filter strict: prompt violence is high in Azure, the manifest says medium",
        "  estate · aif-contoso-eus2 · deployment grok: capacity is 80 in Azure, the manifest says 40",
        "  estate · aif-contoso-eus2 · deployment grok: model version is 2 in Azure, the manifest says 1 (an "
        "auto-upgrade: Azure moved the version because the deployment's upgrade option allows it)",
        "  estate · aif-contoso-eus2 · deployment llama: SKU is Standard in Azure, the manifest says GlobalStandard",
        "  estate · aif-contoso-eus2 · deployment side-project: exists in Azure, not in the manifest (made by hand?)",
        '  estate · aif-contoso-eus2 · blocklist banned: term "new term" is in Azure, not in the manifest',
        '  estate · aif-contoso-eus2 · blocklist banned: term "Pattern To Block" is in the manifest, not in Azure',
        "  estate · aif-contoso-eus2 · project playground: in the manifest, missing in Azure (deleted there?)",
        "  estate · account aif-stray: exists in the resource group, not in the manifest (made by hand?)",
    ])  # (the hand-made deployment's own tags are its own: no note that they are not the account's)
    assert cli.main([*ARGS, "--format", "json"]) == 2
    report = json.loads(capsys.readouterr().out)
    capacity, = [d for d in report["drift"] if d["path"] == "sku.capacity"]
    assert capacity == {"kind": "changed", "subject": "estate · aif-contoso-eus2 · deployment grok", "path": "sku.capacity",
                        "azure": 80, "manifest": 40, "resourceId": grok["id"],
                        "text": "capacity is 80 in Azure, the manifest says 40"}
    assert cli.main([*ARGS, "--format", "markdown"]) == 2
    markdown = capsys.readouterr().out
    assert markdown.startswith("## foundry-estate drift: stack `estate`\n\n9 differences between Azure and the manifest")
    assert f"- **estate · aif-contoso-eus2 · deployment grok**: capacity is 80 in Azure, the manifest says 40  \n  `{grok['id']}`" \
        in markdown


def test_drift_of_an_unknown_stack_or_unreadable_group_is_a_user_error(imported, fake_arm, capsys) -> None:
    assert cli.main(["drift", "--stack", "nope"]) == 1
    assert "no stack nope" in capsys.readouterr().err
    fake_arm.fail(f"/resourceGroups/{GROUP}/providers/Microsoft.CognitiveServices/accounts", 403, "AuthorizationFailed", "no")
    assert cli.main(ARGS) == 1
    assert "permission denied (AuthorizationFailed: no)" in capsys.readouterr().err


def test_filters_and_blocklists_made_by_hand_are_drift(imported, capsys) -> None:
    from support.fake_arm import child

    core = imported["aif-contoso-eus2"]
    child(core, "raiPolicies", "experiment", {"type": "UserManaged", "basePolicyName": "Microsoft.DefaultV2"})
    child(core, "raiBlocklists", "scratch", {})
    assert cli.main(ARGS) == 2
    out = capsys.readouterr().out.splitlines()
    assert out[1:3] == [
        "  estate · aif-contoso-eus2 · content filter experiment: exists in Azure, not in the manifest (made by hand?)",
        "  estate · aif-contoso-eus2 · blocklist scratch: exists in Azure, not in the manifest (made by hand?)",
    ]
