"""The two enforcement points' verdicts in one shape, (rule id, error | warning, object, message),
so tests can hold the policy pack to what `foundry-estate validate` says."""

from __future__ import annotations

from pathlib import Path

from foundry_estate.azure.describe import is_deployment
from foundry_estate.guardrails import Guardrails, guardrail_problems
from foundry_estate.guardrails.facts import Ref
from foundry_estate.guardrails.from_engine import ACCOUNT
from foundry_estate.manifest.loader import load
from foundry_estate.preview.engine import Graph
from foundry_estate.validate import validate
from support.today import PINNED

SEVERITY = {"mandatory": "error", "advisory": "warning"}
Verdict = tuple[str, str, Ref, str]  # rule id, error | warning, object, message


def validator_verdicts(manifest_file: Path | str, environment: str, guardrails: Guardrails) -> list[Verdict]:
    """What `foundry-estate validate` reports about objects, with each problem's manifest path turned
    into its object (a problem about the whole file, such as an environment the guardrails do
    not name, is not a rule's verdict and is left out)."""
    document = load(str(manifest_file))
    manifest = validate(document, PINNED).manifest
    prefixes = {}
    for account in manifest.accounts:
        prefixes[f"accounts.{account.key}."] = Ref("account", account.name, account.name)
        for deployment in account.deployments:
            prefixes[f"accounts.{account.key}.deployments.{deployment.name}."] = Ref("deployment", account.name, deployment.name)
    verdicts = []
    for problem in guardrail_problems(document, manifest, environment, guardrails):
        if not problem.path:
            continue
        ref = prefixes[max((p for p in prefixes if f"{problem.path}.".startswith(p)), key=len)]
        rule, message = problem.message.split(": ", 1)
        verdicts.append((rule, problem.severity, ref, message))
    return sorted(verdicts)


def objects_of(graph: Graph) -> dict[str, Ref]:
    """Each account's and deployment's URN, and the object it is (read from the registered inputs)."""
    objects = {}
    for r in graph.resources:
        if r.type == ACCOUNT:
            objects[r.urn] = Ref("account", r.inputs["accountName"], r.inputs["accountName"])
        elif is_deployment(r.type, r.inputs):  # the typed resource, or the generic one of a Claude deployment
            account = r.inputs.get("accountName") or r.inputs["parentResourcePath"].split("/")[1]
            objects[r.urn] = Ref("deployment", account, r.inputs.get("deploymentName") or r.inputs["resourceName"])
    return objects


def pack_verdicts(graph: Graph, reported: list[tuple[str, str, str, str]]) -> list[Verdict]:
    """The pack's (policy, level, urn, message) reports on `graph` as verdicts."""
    objects = objects_of(graph)
    return sorted((rule, SEVERITY[level], objects[urn], message) for rule, level, urn, message in reported)
