"""What a diff itself can break, beyond what each side's validation sees: an account replaced
where the guardrails forbid it (`account-protected`, `allowReplacement: false`), a rename
whose old and new deployment, both alive for a moment during `pulumi up`, pass the quota, and a
deployment switched between an Anthropic model and another format under its name.

Problems are placed in the head's manifest; a mandatory rule's and the quota's are errors,
an advisory rule's a warning."""

from __future__ import annotations

from typing import Iterator

from foundry_estate.errors import Problem
from foundry_estate.guardrails import Guardrails
from foundry_estate.manifest.loader import load
from foundry_estate.azure import resource_types as types
from foundry_estate.preview.diff import CREATE, DELETE, REPLACE, StackDiff
from foundry_estate.preview.summary.deployments import rename_peak
from foundry_estate.validate.quota import label

ACCOUNT = "azure-native:cognitiveservices:Account"


def diff_problems(diff: StackDiff, guardrails: Guardrails) -> list[Problem]:
    """What the change breaks, held to the head project's `guardrails`."""
    if diff.head is None or diff.base is None:
        return []
    found = list(_replaced_accounts(diff, guardrails)) + list(_rename_overruns(diff)) + list(_type_switches(diff))
    if not found:
        return []
    document = load(diff.head.manifest)
    return [document.problem(path, message, prefer_key=True, severity=severity) for path, message, severity in found]


def _replaced_accounts(diff: StackDiff, guardrails: Guardrails) -> Iterator[tuple[tuple[str, ...], str, str]]:
    assert diff.head is not None
    replaced = [c for c in diff.changes if c.resource.type == ACCOUNT and c.action == REPLACE and c.destructive_itself]
    if not replaced or diff.head.environment is None:
        return
    rules = guardrails.for_environment(diff.head.environment)
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


def _type_switches(diff: StackDiff) -> Iterator[tuple[tuple[str, ...], str, str]]:
    """A deployment whose model moves between Anthropic and another format keeps its Azure name
    but changes Pulumi type (the generic resource carries Anthropic's modelProviderData, see
    components/deployment.py): `pulumi up` creates the new resource first, a PUT that updates
    the same Azure deployment, then deletes the old one, which deletes that deployment. Refused,
    with the two-step remedy."""
    assert diff.head is not None
    deleted = {(c.resource.account, c.resource.azure_name): c for c in diff.changes
               if c.action == DELETE and types.is_deployment(c.resource.type, c.resource.inputs)}
    for change in diff.changes:
        r = change.resource
        old = deleted.get((r.account, r.azure_name))
        if change.action != CREATE or old is None or old.resource.type == r.type or \
                not types.is_deployment(r.type, r.inputs):
            continue
        key = diff.head.account_label(r.account) or ""
        before, after = (_format(old.resource.inputs), _format(r.inputs))
        yield (("accounts", key, "deployments", str(r.azure_name), "model", "format"),
               f"deployment {r.azure_name} switches from {before} to {after}: the kit writes Anthropic deployments "
               f"through another Pulumi type, so pulumi up would create the new one (updating the same Azure "
               f"deployment) and then delete the old one, leaving no deployment {r.azure_name}: remove it in one change "
               f"and add it back with the new model in the next, or give the new one another name", "error")


def _format(inputs: dict[str, object]) -> str:
    properties = inputs.get("properties")
    model = properties.get("model") if isinstance(properties, dict) else None
    return str(model.get("format")) if isinstance(model, dict) else "another format"
