"""What a diff itself can break, beyond what each side's validation sees: an account replaced
where the guardrails forbid it (`account-protected`, `allowReplacement: false`), and a rename
whose old and new deployment, both alive for a moment during `pulumi up`, pass the quota.

Problems are placed in the head's manifest; a mandatory rule's and the quota's are errors,
an advisory rule's a warning."""

from __future__ import annotations

from typing import Iterator

from foundry_kit.errors import Problem
from foundry_kit.guardrails import load_guardrails
from foundry_kit.guardrails.from_manifest import project_guardrails
from foundry_kit.manifest.loader import load
from foundry_kit.preview.diff import REPLACE, StackDiff
from foundry_kit.preview.summary.deployments import rename_peak
from foundry_kit.project.quota import label

ACCOUNT = "azure-native:cognitiveservices:Account"


def diff_problems(diff: StackDiff) -> list[Problem]:
    if diff.head is None or diff.base is None:
        return []
    found = list(_replaced_accounts(diff)) + list(_rename_overruns(diff))
    if not found:
        return []
    document = load(diff.head.manifest)
    return [document.problem(path, message, prefer_key=True, severity=severity) for path, message, severity in found]


def _replaced_accounts(diff: StackDiff) -> Iterator[tuple[tuple[str, ...], str, str]]:
    assert diff.head is not None
    replaced = [c for c in diff.changes if c.resource.type == ACCOUNT and c.action == REPLACE and c.destructive_itself]
    if not replaced or diff.head.environment is None:
        return
    rules = load_guardrails(project_guardrails(diff.head.manifest)).for_environment(diff.head.environment)
    for rule in rules:
        if rule.check != "account-protected" or not rule.enabled or rule.parameters.get("allowReplacement", True):
            continue
        for change in replaced:
            key = diff.head.account_label(change.resource.account) or str(change.resource.azure_name)
            because = ", ".join(change.replaced_because)
            yield (("accounts", key), f"{rule.id}: this change replaces account {change.resource.azure_name} "
                                      f"(because of {because}), which the guardrails forbid in {diff.head.environment}: "
                                      f"keep {because} as it is, or create a new account next to it and move the "
                                      f"deployments over", "warning" if rule.level == "advisory" else "error")


def _rename_overruns(diff: StackDiff) -> Iterator[tuple[tuple[str, ...], str, str]]:
    assert diff.head is not None and diff.base is not None
    for change in diff.changes:
        peak = rename_peak(diff, change)
        if peak is None or not peak.over:
            continue
        assert change.old is not None and change.new is not None
        key = diff.head.account_label(change.new.account) or ""
        yield (("accounts", key, "deployments", str(change.new.azure_name), "capacity"),
               f"renaming {change.old.azure_name} to {change.new.azure_name} holds both while pulumi up runs (it creates "
               f"the new one before deleting the old): {peak.peak} over the limit of {peak.use.limit} for quota "
               f"{label(peak.use.key)}: lower the capacity so both fit, or delete {change.old.azure_name} in one "
               f"change and create {change.new.azure_name} in the next", "error")
