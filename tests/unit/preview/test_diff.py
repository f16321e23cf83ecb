"""`foundry-estate diff`: what a manifest change does in Azure, from two offline plans.

Each test works in a throw-away git repository holding a copy of the example stacks: the
base revision is its first commit, the change is made in its working tree.
"""

import io
import json
import os
import random
import shutil

import pytest
import yaml

from foundry_estate.cli import main as cli
from foundry_estate.cli.commands import diff as diff_command
from foundry_estate.cli.commands.diff import stack_diffs
from foundry_estate.preview.plan import plan_stack
from foundry_estate.project.project import load_project
from foundry_estate.cli.diff_report import as_json, markdown, text
from support.examples import REPO
from foundry_estate.manifest.loader import load
from support.diff_project import diff_project, edit, git, summary
from support.golden import assert_text_matches_golden
from support.manifests import shuffled


@pytest.fixture
def project(tmp_path, monkeypatch) -> str:
    root = diff_project(tmp_path)
    monkeypatch.chdir(root)
    return root


def run(capsys, *args: str) -> tuple[int, str]:
    code = cli.main(["diff", "--base", "HEAD", *args])
    return code, capsys.readouterr().out


# One change set of many kinds, planned once: each test below reads its part.
@pytest.fixture(scope="module")
def changed(tmp_path_factory):
    root = diff_project(tmp_path_factory.mktemp("changed"))
    edit(root, "prod.yaml", "capacity: 200\n", "capacity: 250\n")  # update in place, with quota
    edit(root, "prod.yaml", "      phi-4:\n", "      phi:\n")  # rename: a replacement
    edit(root, "prod.yaml", """      deepseek-r1:
        model: {format: DeepSeek, name: DeepSeek-R1, version: "1"}
        sku: GlobalStandard
        capacity: 10
        contentFilter: strict
""", "")  # delete
    edit(root, "prod.yaml", "    localAuth: false\n", "    localAuth: true\n")  # weakens the account
    edit(root, "prod.yaml", "    location: swedencentral\n    privateEndpoints",
         "    location: westeurope\n    privateEndpoints")  # replaces the account and what lives in it
    edit(root, "common.yaml", "      hate: low\n", "      hate: medium\n")  # content filter loosened (prompt)
    edit(root, "common.yaml", "      - project nightingale\n", "      - project falcon\n")  # blocklist item swapped
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)  # paths in the report relative to the project, as in CI
        diffs = stack_diffs(load_project(str(root)), "HEAD", None)
    reports = {}
    for name, reporter in (("text", text), ("markdown", markdown), ("json", as_json)):
        out = io.StringIO()
        reporter(diffs, "HEAD", out)
        reports[name] = out.getvalue()
    return diffs, reports


def _sentences(changed, stack: str = "prod") -> list[str]:
    document = json.loads(changed[1]["json"])
    entry = next(s for s in document["stacks"] if s["stack"] == stack)
    return [f"{s['subject']}" + (f" ({', '.join(s['accounts'])})" if s["accounts"] else "") + f": {s['text']}"
            for s in entry["summary"]]


def _changes(changed, stack: str = "prod") -> dict[str, dict]:
    document = json.loads(changed[1]["json"])
    entry = next(s for s in document["stacks"] if s["stack"] == stack)
    return {c["urn"].rsplit("::", 1)[1]: c for c in entry["changes"]}


def test_nothing_changed_exits_0(project, capsys) -> None:
    code, out = run(capsys)
    assert code == 0
    unchanged = "no changes (its manifest, config, guardrails and program are identical: not planned)"
    assert out.splitlines() == [f"Stack dev: {unchanged} (against HEAD)", "", f"Stack prod: {unchanged} (against HEAD)", ""]


def test_only_the_stacks_whose_inputs_changed_are_planned(project, capsys, monkeypatch) -> None:
    planned = []
    monkeypatch.setattr(diff_command, "plan_stack", lambda stack, project: planned.append(stack.name) or plan_stack(stack, project))
    edit(project, "prod.yaml", "capacity: 200\n", "capacity: 250\n")
    code, out = run(capsys, "--format", "json")
    assert (code, planned) == (2, ["prod", "prod"])  # base and head of prod; dev not at all
    assert {s["stack"]: s["status"] for s in json.loads(out)["stacks"]} == {"dev": "unchanged", "prod": "present"}
    planned.clear()
    edit(project, "common.yaml", "      hate: low\n", "      hate: medium\n")  # both stacks extend it
    assert run(capsys)[0] == 2 and sorted(planned) == ["dev", "dev", "prod", "prod"]
    planned.clear()
    git(project, "commit", "-qam", "changes")
    edit(project, "prod.yaml", "version: 1\n", "version: 1  # a comment: prod's file changed, what it resolves to did not\n")
    assert run(capsys)[0] == 0 and planned == []
    with open(os.path.join(project, "policy", "guardrails.yaml"), "a", encoding="utf-8") as handle:
        handle.write("# a comment changes the file: every stack is planned again\n")
    assert run(capsys)[0] == 0 and sorted(planned) == ["dev", "dev", "prod", "prod"]


def test_pure_reordering_and_renaming_of_keys_diffs_to_no_changes(project, capsys) -> None:
    data = load(os.path.join(project, "stacks", "prod.yaml")).data  # `extends` merged in
    with open(os.path.join(project, "stacks", "prod.yaml"), "w", encoding="utf-8") as handle:
        yaml.safe_dump(shuffled(data, random.Random(3), rename_accounts=True), handle, sort_keys=False)
    code, out = run(capsys, "--stack", "prod", "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert (document["changed"], document["stacks"][0]["changes"], document["stacks"][0]["summary"]) == (False, [], [])


def test_capacity_change_is_an_update_in_place_with_the_quota_it_leaves(changed) -> None:
    assert "prod · core · grok-4: capacity 200 → 250 (quota eastus2 GlobalStandard grok-4: 270 / 400 (stacks dev, prod together))" in _sentences(changed)
    change = _changes(changed)["aif-contoso-prod-eus2/grok-4"]
    assert (change["action"], change["properties"]) == ("update", [{"path": "sku.capacity", "old": 200, "new": 250}])


def test_deleted_deployment_says_what_breaks(changed) -> None:
    assert "prod · core · deepseek-r1: deployment deleted: applications calling it will fail" in _sentences(changed)
    assert _changes(changed)["aif-contoso-prod-eus2/deepseek-r1"]["action"] == "delete"


def test_renamed_deployment_is_a_replacement(changed) -> None:
    assert ("prod · core · phi-4: deployment renamed to phi: phi is created and phi-4 deleted; applications calling "
            "phi-4 will fail (quota eastus2 GlobalStandard Phi-4: 6 requested (stacks dev, prod together), no budget declared; "
            "11 while both exist)") in _sentences(changed)
    change = _changes(changed)["aif-contoso-prod-eus2/phi"]
    assert (change["action"], change["oldUrn"].rsplit("::", 1)[1], change["replacedBecause"]) == (
        "replace", "aif-contoso-prod-eus2/phi-4", ["deploymentName"])


def test_location_change_replaces_the_account_and_everything_in_it(changed) -> None:
    assert ("prod · sweden: account replaced (location swedencentral → westeurope): everything under it is created "
            "again and its endpoint URLs change. It is protected: pulumi up refuses until a change setting "
            "`protect: false` is deployed first. Azure keeps the deleted account soft-deleted for 48 hours and refuses "
            "a new account named aif-contoso-prod-swc until it is purged or restored: run `az cognitiveservices account "
            "purge --name aif-contoso-prod-swc --resource-group rg-contoso-ai-prod --location swedencentral` between "
            "the delete and the create (its keys, deployments and data are gone for good), or give the new account "
            "another name; `az cognitiveservices account recover --name aif-contoso-prod-swc --resource-group "
            "rg-contoso-ai-prod --location swedencentral` brings the old one back instead.") in _sentences(changed)
    changes = _changes(changed)
    assert changes["aif-contoso-prod-swc"]["replacedBecause"] == ["location"]
    inside = {name: c for name, c in changes.items() if name.startswith("aif-contoso-prod-swc/")}
    assert inside["aif-contoso-prod-swc/chat-default"]["replacedBecause"] == ["options.replaceWith"]
    assert inside["aif-contoso-prod-swc/diag-aif-contoso-prod-swc"]["action"] == "replace"
    # the private endpoint is a network resource: it stays
    assert not any("pe-aif-contoso-prod-swc" in name for name in changes)


def test_loosened_content_filter_is_one_sentence_for_every_account_and_marked(changed) -> None:
    assert ("prod · content filter strict (core, sweden): prompt hate low → medium (looser); it governs "
            "core/chat-default, core/chat-paygo, core/grok-4, core/grok-4-fast, core/llama, core/mistral-large, core/phi, "
            "sweden/chat-default, sweden/grok-4-fast") in _sentences(changed)
    entry = next(s for s in json.loads(changed[1]["json"])["stacks"][1]["summary"] if s["subject"] == "prod · content filter strict")
    assert (entry["weakens"], entry["destructive"]) == (True, False)


def test_blocklist_items_read_as_terms_added_and_removed(changed) -> None:
    assert ("prod · blocklist banned-terms (core, sweden): 1 item added: 'project falcon'; 1 item removed: "
            "'project nightingale'") in _sentences(changed)


def test_local_auth_turned_on_weakens_the_account(changed) -> None:
    assert "prod · core: local (key) authentication off → on" in _sentences(changed)


def test_destructive_and_weakening_changes_come_first(changed) -> None:
    document = json.loads(changed[1]["json"])
    flags = [(s["destructive"], s["weakens"]) for s in document["stacks"][1]["summary"]]
    assert flags == sorted(flags, key=lambda f: (not f[0], not f[1]))
    assert document["destructive"] is True


def test_markdown_report_matches_golden(changed) -> None:
    assert_text_matches_golden(changed[1]["markdown"], os.path.join(REPO, "tests", "golden", "diff.md"))


def test_exit_codes_say_changes_and_destructive_changes(project, capsys) -> None:
    edit(project, "prod.yaml", "capacity: 200\n", "capacity: 250\n")
    assert run(capsys, "--fail-on-destructive")[0] == 2  # changes, none destructive
    edit(project, "prod.yaml", "      phi-4:\n        model: {format: Microsoft", "      phi-5:\n        model: {format: Microsoft")
    assert run(capsys)[0] == 2
    assert run(capsys, "--fail-on-destructive")[0] == 4


def test_a_new_model_is_created_with_its_quota(project) -> None:
    edit(project, "prod.yaml", "      grok-4:\n", """      grok-4-extra:
        model: {format: xAI, name: grok-4, version: "1"}
        sku: GlobalStandard
        capacity: 100
        contentFilter: strict
      grok-4:
""")
    assert summary(project) == [
        "prod · core · grok-4-extra: new deployment: xAI grok-4 1 · GlobalStandard capacity 100 · filter strict · "
        "NoAutoUpgrade (quota eastus2 GlobalStandard grok-4: 320 / 400 (stacks dev, prod together))"]


def test_a_model_change_updates_the_deployment_in_place(project) -> None:
    """azure-native replaces only for path parameters and create-only properties of the body
    (tests/unit/azure/test_replacements.py): a deployment's model is neither, so the PUT updates it."""
    edit(project, "prod.yaml", "model: {format: Microsoft, name: Phi-4, version: \"7\"}",
         "model: {format: Microsoft, name: Phi-4-mini-instruct, version: \"1\"}")
    [sentence] = summary(project)
    assert sentence == (
        "prod · core · phi-4: model Phi-4 → Phi-4-mini-instruct (in place: pulumi up updates the deployment under its "
        "name, it is not deleted); model version 7 → 1")


def test_a_custom_subdomain_change_is_refused_by_azure_not_replaced(project) -> None:
    edit(project, "prod.yaml", "    name: aif-contoso-prod-eus2\n", "    name: aif-contoso-prod-eus2\n    subdomain: contoso-ai-eus2\n")
    sentences = summary(project)
    assert sentences[0] == (
        "prod · core: custom subdomain cannot change in place: Azure does not let an account's custom subdomain change "
        "(azure-foundry-facts: customSubDomainName cannot be changed); pulumi up will fail on it. Keep it, or create "
        "a new account with the new value and move what uses it over")
    assert "prod · core: custom subdomain aif-contoso-prod-eus2 → contoso-ai-eus2" in sentences


def test_quota_passed_is_an_invalid_input(project, capsys) -> None:
    edit(project, "prod.yaml", "capacity: 200\n", "capacity: 450\n")
    assert cli.main(["diff", "--base", "HEAD"]) == 1
    assert "over the limit of 400: accounts.core.deployments.grok-4 (450)" in capsys.readouterr().err


def test_opening_the_network_and_dropping_protection_weaken_guardrails(project) -> None:
    edit(project, "prod.yaml", "    localAuth: false\n", "    localAuth: false\n    publicNetworkAccess: Enabled\n"
                                                         "    protect: false\n")
    assert summary(project) == ["prod · core: public network access Disabled → Enabled; deletion protection removed"]


def test_new_and_removed_stacks(project, capsys) -> None:
    shutil.copy(os.path.join(project, "stacks", "Pulumi.dev.yaml"), os.path.join(project, "stacks", "Pulumi.qa.yaml"))
    shutil.copy(os.path.join(project, "stacks", "dev.yaml"), os.path.join(project, "stacks", "qa.yaml"))
    os.remove(os.path.join(project, "stacks", "Pulumi.dev.yaml"))
    code, out = run(capsys, "--format", "json")
    assert code == 2
    stacks = {s["stack"]: s for s in json.loads(out)["stacks"]}
    assert (stacks["qa"]["status"], stacks["dev"]["status"], stacks["prod"]["status"]) == ("added", "removed", "unchanged")
    assert stacks["qa"]["counts"]["create"] == 25
    assert [s["text"] for s in stacks["dev"]["summary"]] == [
        "stack removed from the repository: nothing in Azure changes by this change, and its resources stay until "
        "`pulumi destroy --stack dev` removes them; 4 protected resources (account aif-contoso-dev-eus2, hub "
        "hub-contoso-dev, key vault kv-hub-contoso-dev, storage account sthubcontosodev) refuse destruction until "
        "unprotected: run `pulumi state unprotect --all --stack dev` first"]
    code, out = run(capsys)
    assert "Stack dev: stack removed (nothing in Azure changes) (against HEAD)" in out.splitlines()


def test_a_removed_stack_with_protected_accounts_says_destroy_refuses_them(project, capsys) -> None:
    os.remove(os.path.join(project, "stacks", "Pulumi.prod.yaml"))
    os.remove(os.path.join(project, "stacks", "prod.yaml"))
    code, out = run(capsys, "--stack", "prod", "--format", "json")
    assert code == 2
    assert [s["text"] for s in json.loads(out)["stacks"][0]["summary"]] == [
        "stack removed from the repository: nothing in Azure changes by this change, and its resources stay until "
        "`pulumi destroy --stack prod` removes them; 2 protected resources (account aif-contoso-prod-eus2, account "
        "aif-contoso-prod-swc) refuse destruction until unprotected: run `pulumi state unprotect --all --stack prod` first"]


def test_invalid_base_is_reported_at_the_revision(project, capsys) -> None:
    edit(project, "prod.yaml", "capacity: 200\n", "capacity: lots\n")
    git(project, "commit", "-qam", "broken")
    edit(project, "prod.yaml", "capacity: lots\n", "capacity: 200\n")
    assert cli.main(["diff", "--base", "HEAD", "--stack", "prod"]) == 1
    assert capsys.readouterr().err.strip() == (
        "HEAD:stacks/prod.yaml:40:19: accounts.core.deployments.grok-4.capacity: expected an integer, got the string 'lots'")


def test_unknown_revision_is_a_user_error(project, capsys) -> None:
    assert cli.main(["diff", "--base", "no-such-branch"]) == 1
    assert capsys.readouterr().err.strip() == (
        ".:1:1: unknown git revision 'no-such-branch': name a branch, tag or commit (in CI, fetch the base branch first)")


def test_a_claude_capacity_change_reads_as_a_deployment_update(project) -> None:
    """Claude deployments are generic ARM resources (for modelProviderData); a diff still reads them as deployments."""
    edit(project, "prod.yaml", "    deployments:\n", """    deployments:
      claude:
        model: {format: Anthropic, name: claude-sonnet-4-5, version: "20250929"}
        sku: GlobalStandard
        capacity: 25
        modelProviderData: {organizationName: Contoso Ltd, countryCode: US, industry: technology}
""")
    git(project, "commit", "-qam", "claude")
    edit(project, "prod.yaml", "        capacity: 25\n        modelProviderData", "        capacity: 50\n        modelProviderData")
    assert summary(project) == [
        "prod · core · claude: capacity 25 → 50 (quota eastus2 GlobalStandard claude-sonnet-4-5: 50 requested, "
        "no budget declared)"]


def test_a_change_the_mandatory_guardrails_refuse_is_invalid_input(project, capsys) -> None:
    shutil.copy(os.path.join(REPO, "policy", "guardrails.yaml"), os.path.join(project, "policy", "guardrails.yaml"))
    edit(project, "prod.yaml", "    localAuth: false\n", "    localAuth: true\n")
    assert cli.main(["diff", "--base", "HEAD", "--stack", "prod"]) == 1
    assert capsys.readouterr().err.strip() == (
        "stacks/prod.yaml:20:16: accounts.core.localAuth: account-local-auth-disabled: accepts local authentication "
        "(API keys): allow Microsoft Entra ID only")


def test_guardrail_warnings_the_change_brings_are_marked_new(changed) -> None:
    assert ("- ℹ️ **new** `stacks/prod.yaml:20:16: accounts.core.localAuth: warning: account-local-auth-disabled: "
            "accepts local authentication (API keys): allow Microsoft Entra ID only`") in changed[1]["markdown"].splitlines()


def test_a_base_using_a_model_retired_since_is_still_diffed(project, capsys) -> None:
    """The base is planned only to compare with: the change that moves off a retired model must
    be reviewable (the head is held to today's catalog; the tests' today is 2025-10-01)."""
    retired = '      deepseek-r1:\n        model: {format: DeepSeek, name: DeepSeek-R1, version: "1"}\n'
    edit(project, "prod.yaml", retired, retired.replace("DeepSeek-R1", "DeepSeek-V3"))  # retired 2025-08-31
    git(project, "commit", "-qam", "a model that retires later")
    edit(project, "prod.yaml", "name: DeepSeek-V3,", "name: DeepSeek-V3-0324,")
    assert summary(project) == [
        "prod · core · deepseek-r1: model DeepSeek-V3 → DeepSeek-V3-0324 (in place: pulumi up updates the deployment "
        "under its name, it is not deleted)"]


def test_a_retired_model_the_base_deployed_is_kept_with_a_warning_one_brought_in_is_refused(project, capsys) -> None:
    """Only a change that introduces a retired model is refused: a deployment the base already
    runs it in is reviewed with a loud warning (Azure answers it with HTTP 410), a new one is not."""
    retired = '      deepseek-r1:\n        model: {format: DeepSeek, name: DeepSeek-R1, version: "1"}\n'
    edit(project, "prod.yaml", retired, retired.replace("DeepSeek-R1", "DeepSeek-V3"))  # retired 2025-08-31
    git(project, "commit", "-qam", "a model retired since it was merged")
    edit(project, "prod.yaml", "        capacity: 10\n        contentFilter: strict\n      phi-4:",
         "        capacity: 12\n        contentFilter: strict\n      phi-4:")
    assert cli.main(["diff", "--base", "HEAD", "--stack", "prod"]) == 2
    out = capsys.readouterr().out
    assert "this deployment already runs it in Azure (the stack's read-back, or the base of this change)" in out
    assert "capacity 10 → 12" in out
    edit(project, "prod.yaml", "      phi-4:", '      deepseek-v3:\n        model: {format: DeepSeek, name: DeepSeek-V3, '
         'version: "1"}\n        sku: GlobalStandard\n        capacity: 10\n        contentFilter: strict\n      phi-4:')
    assert cli.main(["diff", "--base", "HEAD", "--stack", "prod"]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert any("accounts.core.deployments.deepseek-v3.model.version: DeepSeek-V3 version 1 is retired" in line for line in lines)
    assert all(": warning: " in line for line in lines if "deployments.deepseek-r1." in line)


def test_outside_a_git_repository_is_a_user_error(tmp_path, monkeypatch, capsys) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: python\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert cli.main(["diff", "--base", "main"]) == 1
    assert capsys.readouterr().err.strip() == ".:1:1: not a git repository: the diff reads the base revision from git"


def test_outside_a_project_is_a_user_error(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.main(["plan"]) == 1
    assert capsys.readouterr().err.strip() == ".:1:1: no Pulumi.yaml here or above: run in the project"


def test_a_deployment_pointed_at_a_weaker_built_in_filter_is_marked_looser(project) -> None:
    """Compared by the levels that take effect: strict's own settings against what Microsoft.DefaultV2
    applies; and strict's blocklist, which no built-in filter applies."""
    edit(project, "dev.yaml", "        capacity: 20\n        contentFilter: strict\n",
         "        capacity: 20\n        contentFilter: Microsoft.DefaultV2\n")
    assert summary(project, "dev") == [
        "dev · core · grok-4: content filter strict → Microsoft.DefaultV2 (looser: prompt hate low → medium, prompt "
        "sexual low → medium, prompt selfHarm low → medium, prompt indirectAttack block → not set, prompt profanity "
        "block → not set, completion hate low → medium, completion sexual low → medium, completion selfHarm low → "
        "medium, completion protectedMaterialText block → not set, completion protectedMaterialCode annotate → not set; "
        "blocklist banned-terms no longer applies to prompts and completions)"]


def test_a_deployment_pointed_at_a_new_filter_shows_its_settings_and_what_it_loosens(project) -> None:
    edit(project, "common.yaml", "  strict:\n", "  relaxed:\n    base: Microsoft.DefaultV2\n    prompt: {hate: high}\n  strict:\n")
    edit(project, "dev.yaml", "        capacity: 20\n        contentFilter: strict\n",
         "        capacity: 20\n        contentFilter: relaxed\n")
    assert summary(project, "dev") == [
        "dev · core · grok-4: content filter strict → relaxed (looser: prompt hate low → high, prompt sexual low → "
        "medium, prompt selfHarm low → medium, prompt indirectAttack block → not set, prompt profanity block → not set, "
        "completion hate low → medium, completion sexual low → medium, completion selfHarm low → medium, completion "
        "protectedMaterialText block → not set, completion protectedMaterialCode annotate → not set; blocklist "
        "banned-terms no longer applies to prompts and completions)",
        "dev · content filter relaxed (core): created: base Microsoft.DefaultV2 · mode Default · prompt: hate high"]


def test_a_rename_counts_both_deployments_against_the_quota(project, capsys) -> None:
    """pulumi up creates grok-4-new before it deletes grok-4: 220 (dev 20, grok-4-new 200) + 200 of a budget of 400."""
    edit(project, "prod.yaml", "      grok-4:\n        model", "      grok-4-new:\n        model")
    assert cli.main(["diff", "--base", "HEAD", "--stack", "prod"]) == 1
    assert capsys.readouterr().err.strip() == (
        "stacks/prod.yaml:40:9: accounts.core.deployments.grok-4-new.capacity: renaming grok-4 to grok-4-new holds both "
        "while pulumi up runs (it creates the new one before deleting the old): 420 over the limit of 400 for quota "
        "eastus2 GlobalStandard grok-4: lower the capacity so both fit, or delete grok-4 in one change and create "
        "grok-4-new in the next")
    edit(project, "prod.yaml", "        capacity: 200\n", "        capacity: 120\n")  # 140 + 200 fits
    assert summary(project) == [
        "prod · core · grok-4: deployment renamed to grok-4-new: grok-4-new is created and grok-4 deleted; applications "
        "calling grok-4 will fail (quota eastus2 GlobalStandard grok-4: 140 / 400 (stacks dev, prod together); 340 / 400 "
        "while both exist)"]


def test_production_guardrails_refuse_replacing_an_account(project, capsys) -> None:
    shutil.copy(os.path.join(REPO, "policy", "guardrails.yaml"), os.path.join(project, "policy", "guardrails.yaml"))
    git(project, "commit", "-qam", "mandatory guardrails")
    edit(project, "prod.yaml", "    location: swedencentral\n    privateEndpoints",
         "    location: westeurope\n    privateEndpoints")
    assert cli.main(["diff", "--base", "HEAD", "--stack", "prod"]) == 1
    assert capsys.readouterr().err.strip() == (
        "stacks/prod.yaml:79:3: accounts.sweden: account-protected: this change replaces account aif-contoso-prod-swc "
        "(because of location), which the guardrails forbid in prod: keep location as it is, or create a new account "
        "next to it and move the deployments over")


def test_switching_a_deployment_to_an_anthropic_model_under_its_name_is_refused(project, capsys) -> None:
    """The generic resource (Anthropic) and the typed deployment are two Pulumi types for one Azure
    deployment: create-then-delete would end with no deployment."""
    edit(project, "prod.yaml", "      phi-4:\n        model: {format: Microsoft, name: Phi-4, version: \"7\"}\n",
         "      phi-4:\n        model: {format: Anthropic, name: claude-sonnet-4-5, version: \"20250929\"}\n"
         "        modelProviderData: {organizationName: Contoso Ltd, countryCode: US, industry: technology}\n")
    assert cli.main(["diff", "--base", "HEAD", "--stack", "prod"]) == 1
    assert capsys.readouterr().err.strip() == (
        "stacks/prod.yaml:74:17: accounts.core.deployments.phi-4.model.format: deployment phi-4 switches from Microsoft "
        "to Anthropic: the kit writes Anthropic deployments through another Pulumi type, so pulumi up would create the "
        "new one (updating the same Azure deployment) and then delete the old one, leaving no deployment phi-4: remove "
        "it in one change and add it back with the new model in the next, or give the new one another name")


def test_moving_a_private_endpoint_to_another_region_is_refused_by_azure_not_updated(project) -> None:
    """A private endpoint's spec does not mark `location` create-only, so azure-native would send
    the move as an update: Azure Resource Manager refuses to move an existing resource."""
    edit(project, "prod.yaml", "        location: swedencentral\n", "        location: norwayeast\n")
    sentences = summary(project)
    assert sentences[0] == (
        "prod · sweden · private endpoint pe-aif-contoso-prod-swc-vnet-prod-swc: location cannot change in place: "
        "Azure does not move an existing resource to another region "
        "(InvalidResourceLocation); pulumi up will fail on it. Keep it, or create a new private endpoint with the new "
        "value and move what uses it over")


def test_a_warning_the_base_has_today_is_not_new_and_json_carries_warnings(project, capsys, monkeypatch) -> None:
    """The base is planned before every retirement (it must stay diffable), but a warning is new
    only when the base, read today, does not have it: grok-3 retiring is not the change's doing."""
    monkeypatch.setenv("FOUNDRY_KIT_TODAY", "2026-03-15")  # grok-3 retires on 2026-05-01
    edit(project, "dev.yaml", "model: {format: xAI, name: grok-4, version: \"1\"}", "model: {format: xAI, name: grok-3, version: \"1\"}")
    git(project, "commit", "-qam", "dev on grok-3")
    edit(project, "dev.yaml", "        capacity: 20\n", "        capacity: 25\n")
    code, out = run(capsys, "--stack", "dev")
    assert code == 2
    (retiring,) = [line for line in out.splitlines() if "retires on" in line]
    assert retiring == ("  stacks/dev.yaml:26:53: accounts.core.deployments.grok-4.model.version: warning: grok-3 version 1 "
                        "retires on 2026-05-01, in 47 days: move to grok-4 version 1 before then (catalog entry from "
                        "https://learn.microsoft.com/azure/foundry/concepts/model-lifecycle-retirement)")
    assert "(new)" not in out
    code, out = run(capsys, "--stack", "dev", "--format", "json")
    (warning,) = [w for w in json.loads(out)["stacks"][0]["warnings"] if "retires on" in w["message"]]
    assert (warning["file"], warning["line"], warning["path"], warning["severity"], warning["new"]) == (
        "stacks/dev.yaml", 26, "accounts.core.deployments.grok-4.model.version", "warning", False)


def test_json_marks_the_warnings_a_change_brings_new(changed) -> None:
    document = json.loads(changed[1]["json"])
    (prod,) = [s for s in document["stacks"] if s["stack"] == "prod"]
    assert {"file": "stacks/prod.yaml", "line": 20, "column": 16, "path": "accounts.core.localAuth", "severity": "warning",
            "message": "account-local-auth-disabled: accepts local authentication (API keys): allow Microsoft Entra ID "
                       "only", "new": True} in prod["warnings"]


def test_a_model_version_going_down_is_called_a_downgrade(project) -> None:
    edit(project, "prod.yaml", 'name: Llama-3.3-70B-Instruct, version: "10"', 'name: Llama-3.3-70B-Instruct, version: "9"')
    assert summary(project) == [
        "prod · core · llama: model version 10 → 9 (a downgrade: to an older version of the model)"]


def test_a_model_version_going_up_is_no_downgrade(project) -> None:
    edit(project, "prod.yaml", 'name: Llama-3.3-70B-Instruct, version: "10"', 'name: Llama-3.3-70B-Instruct, version: "9"')
    git(project, "commit", "-qam", "llama 9")
    edit(project, "prod.yaml", 'name: Llama-3.3-70B-Instruct, version: "9"', 'name: Llama-3.3-70B-Instruct, version: "10"')
    assert summary(project) == ["prod · core · llama: model version 9 → 10"]


def test_a_quota_the_stacks_of_a_subscription_pass_together_is_invalid_input(project, capsys) -> None:
    """dev and prod share a subscription and a budget of 400 grok-4 units: each manifest alone is
    within it (120, 290), together they pass it. Every budget passed is reported, and exit 1."""
    edit(project, "dev.yaml", "        capacity: 20\n", "        capacity: 120\n")
    edit(project, "prod.yaml", "capacity: 200\n", "capacity: 290\n")
    assert cli.main(["diff", "--base", "HEAD"]) == 1
    captured = capsys.readouterr()
    over = ("quotas[0].limit: deployments in subscription 00000000-0000-0000-0000-000000000000 request 410 capacity "
            "units of grok-4 GlobalStandard in eastus2, over the limit of 400: dev/core/grok-4 (120), prod/core/grok-4 (290)")
    assert captured.err.splitlines() == [f"stacks/dev.yaml:14:68: {over}", f"stacks/prod.yaml:13:68: {over}"]
    assert captured.out == ""
