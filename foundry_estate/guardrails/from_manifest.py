"""Enforcement point 1: guardrails on a validated manifest, reported where the manifest says it.

Facts come from the typed `Manifest` (defaults applied, exactly what the components build);
each remembers its manifest path, and the `Document` turns path + field into file:line:column.
"""

from __future__ import annotations

from foundry_estate.manifest.document import Document
from foundry_estate.errors import Position, Problem
from foundry_estate.manifest.reading import did_you_mean
from foundry_estate.manifest.model import Account, ContentFilter, Deployment, Manifest
from foundry_estate.guardrails.checks import evaluate
from foundry_estate.guardrails.environment import ENVIRONMENT_KEY
from foundry_estate.guardrails.config import AS_WRITTEN, Guardrails, load_guardrails
from foundry_estate.catalog.billed import from_manifest
from foundry_estate.catalog.prices import PriceTable, shipped_prices
from foundry_estate.guardrails.facts import AccountFacts, ContentFilterFacts, DeploymentFacts, Facts, Ref, billed_facts

SEVERITY = {"mandatory": "error", "advisory": "warning"}


def manifest_facts(manifest: Manifest, prices: PriceTable | None = None) -> Facts:
    accounts, deployments = [], []
    for account in manifest.accounts:
        base = ("accounts", account.key)
        accounts.append(_account(account, base))
        for deployment in account.deployments:
            deployments.append(_deployment(manifest, account, deployment, base + ("deployments", deployment.name)))
    return Facts(tuple(accounts), tuple(deployments), tuple(billed_facts(item) for item in from_manifest(manifest)), prices)


def guardrail_problems(document: Document, manifest: Manifest, environment: str,
                       guardrails: Guardrails | None = None, prices: PriceTable | None = None) -> list[Problem]:
    """The guardrails of `environment` on a validated manifest, as positioned problems:
    `path: rule-id: message`, an error for a mandatory rule, a warning for an advisory one.

    `guardrails` and `prices`: the project's (`Project.guardrails`, `Project.prices`), by default
    the kit's own; a broken guardrails file raises `KitError` with its own problems."""
    guardrails = guardrails if guardrails is not None else load_guardrails()
    problems = [] if guardrails.knows(environment) else [unknown_environment(document.file, environment, guardrails)]
    for violation in evaluate(guardrails.for_environment(environment), manifest_facts(manifest, prices or shipped_prices())):
        path = violation.where + violation.field
        problems.append(document.problem(path, f"{violation.rule}: {violation.message}",
                                         prefer_key=path not in document.positions,
                                         severity=SEVERITY[violation.level]))
    return sorted(problems)


def unknown_environment(file: str, environment: str, guardrails: Guardrails) -> Problem:
    """The warning for a stack whose environment the guardrails do not name."""
    known = list(guardrails.environments)
    return Problem(Position(file), "", f"environment '{environment}' is not named in {guardrails.file}"
                                       f"{did_you_mean(environment, known)}, so every rule applies as written "
                                       f"({AS_WRITTEN}'s settings): list it under environments there, or set the stack's "
                                       f"{ENVIRONMENT_KEY} to one it names ({', '.join(known) or 'none'})", "warning")


def _account(account: Account, where: tuple[str, ...]) -> AccountFacts:
    return AccountFacts(
        ref=Ref("account", account.name, account.name), where=where,
        local_auth_disabled=not account.local_auth,
        public_network_access=account.public_network_access,
        private_endpoints=len(account.private_endpoints),
        identity=account.identity.type,
        diagnostics=account.diagnostics is not None,
        tags=dict(account.tags),
        protect=account.protect)


def _deployment(manifest: Manifest, account: Account, deployment: Deployment, where: tuple[str, ...]) -> DeploymentFacts:
    return DeploymentFacts(
        ref=Ref("deployment", account.name, deployment.name), where=where,
        format=deployment.model.format, model=deployment.model.name, version=deployment.model.version,
        sku=deployment.sku, capacity=deployment.capacity, version_upgrade=deployment.version_upgrade,
        content_filter=_content_filter(deployment.content_filter, manifest.content_filter(deployment.content_filter)))


def _content_filter(name: str, spec: ContentFilter | None) -> ContentFilterFacts:
    if spec is None:  # a built-in policy (validation refuses any other unknown name)
        return ContentFilterFacts(name)
    return ContentFilterFacts(name, spec.base, {(s.category, s.source): s.setting for s in spec.settings})
