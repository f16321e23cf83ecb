"""The checks behind guardrail rules: pure functions from a rule and facts to violations.

This is the one implementation of every rule; `foundry-estate validate` and the policy pack
differ only in how they build the facts and where they report. A check never knows which.
Each violation names the fact it is about, the manifest field it concerns (a path relative to
the account or deployment; the engine ignores it) and a message in Azure's and the manifest's
shared words, identical from both enforcement points.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Union

from decimal import Decimal

from foundry_estate.catalog.estimate import arithmetic, cost_line, dollars
from foundry_estate.catalog.prices import shipped_prices
from foundry_estate.guardrails.facts import HARM_CATEGORIES, SOURCES, AccountFacts, BilledFacts, DeploymentFacts, Facts, Ref, \
    at_least

if TYPE_CHECKING:
    from foundry_estate.guardrails.config import ResolvedRule

Subject = Union[AccountFacts, DeploymentFacts, BilledFacts]


@dataclass(frozen=True)
class Violation:
    rule: str
    level: str  # mandatory | advisory
    ref: Ref
    where: Any  # the subject's `where`: a manifest path or a URN
    field: tuple[str, ...]  # manifest path below the subject, for positioning
    message: str


Check = Callable[["ResolvedRule", Facts], Iterator[tuple[Subject, tuple[str, ...], str]]]


def _deployments(rule: "ResolvedRule", facts: Facts) -> Iterator[DeploymentFacts]:
    return (d for d in facts.deployments if rule.applies_to(d.format))


def _listing(values: Iterable[Any]) -> str:
    return ", ".join(str(value) for value in values)


def approved_model(rule: "ResolvedRule", facts: Facts) -> Iterator[tuple[Subject, tuple[str, ...], str]]:
    formats, models = rule.parameters.get("formats"), rule.parameters.get("models")
    for d in _deployments(rule, facts):
        if formats is not None and d.format not in formats:
            yield d, ("model", "format"), f"model format '{d.format}' is not approved in {rule.environment} (approved: {_listing(formats)})"
        elif models is not None and d.model not in models:
            yield d, ("model", "name"), f"model '{d.model}' is not approved in {rule.environment} (approved: {_listing(models)})"


def approved_sku(rule: "ResolvedRule", facts: Facts) -> Iterator[tuple[Subject, tuple[str, ...], str]]:
    skus = rule.parameters.get("skus")
    for d in _deployments(rule, facts):
        if skus is not None and d.sku not in skus:
            yield d, ("sku",), f"SKU '{d.sku}' is not approved in {rule.environment} (approved: {_listing(skus)})"


def max_capacity(rule: "ResolvedRule", facts: Facts) -> Iterator[tuple[Subject, tuple[str, ...], str]]:
    by_sku = rule.parameters.get("bySku") or {}
    for d in _deployments(rule, facts):
        limit = by_sku.get(d.sku, rule.parameters.get("max"))
        if limit is not None and isinstance(d.capacity, int) and d.capacity > limit:
            per = f"a {d.sku} deployment" if d.sku in by_sku else "a deployment"
            yield d, ("capacity",), f"capacity {d.capacity} is over the maximum of {limit} for {per} in {rule.environment}"


def content_filter(rule: "ResolvedRule", facts: Facts) -> Iterator[tuple[Subject, tuple[str, ...], str]]:
    allow_builtin = rule.parameters.get("allowBuiltIn", True)
    for d in _deployments(rule, facts):
        named = d.content_filter
        if named is None:
            yield d, ("contentFilter",), "names no content filter"
        elif named.builtin and not allow_builtin:
            yield d, ("contentFilter",), (f"uses the built-in content filter '{named.name}': in {rule.environment} "
                                          "name one of the stack's own content filters")
        elif not named.builtin and not named.defined:
            yield d, ("contentFilter",), _undefined(named.name)


def version_pinned(rule: "ResolvedRule", facts: Facts) -> Iterator[tuple[Subject, tuple[str, ...], str]]:
    for d in _deployments(rule, facts):
        if not d.version:
            yield d, ("model", "version"), "names no model version: pin one"
        elif d.version_upgrade != "NoAutoUpgrade":
            yield d, ("versionUpgrade",), (f"version upgrade option is '{d.version_upgrade or 'not set'}': "
                                           "pin the model version with NoAutoUpgrade")


def harm_levels(rule: "ResolvedRule", facts: Facts) -> Iterator[tuple[Subject, tuple[str, ...], str]]:
    required = rule.parameters.get("level", "medium")
    categories = rule.parameters.get("categories", HARM_CATEGORIES)
    sources = rule.parameters.get("sources", SOURCES)
    for d in _deployments(rule, facts):
        named = d.content_filter
        if named is None or (not named.builtin and not named.defined):
            yield d, ("contentFilter",), _undefined(named.name) if named else "names no content filter, so its levels are unknown"
            continue
        weak: dict[tuple[str, str | None, str | None], list[str]] = {}  # (source, setting, origin) -> categories
        for source in SOURCES:
            for category in HARM_CATEGORIES:
                if source in sources and category in categories:
                    setting, origin = named.effective(category, source)
                    if not at_least(setting, required):
                        weak.setdefault((source, setting, origin), []).append(category)
        if weak:
            yield d, ("contentFilter",), (f"content filter '{named.name}' must block from {required} severity up, but "
                                          + "; ".join(f"{source} {_listing(found)} {_setting(setting, origin, named.name, len(found))}"
                                                      for (source, setting, origin), found in weak.items()))


def jailbreak(rule: "ResolvedRule", facts: Facts) -> Iterator[tuple[Subject, tuple[str, ...], str]]:
    for d in _deployments(rule, facts):
        named = d.content_filter
        if named is None or (not named.builtin and not named.defined):
            yield d, ("contentFilter",), _undefined(named.name) if named else "names no content filter, so jailbreak attempts pass"
            continue
        setting, origin = named.effective("jailbreak", "prompt")
        if setting != "block":
            yield d, ("contentFilter",), (f"content filter '{named.name}' does not block jailbreak attempts: "
                                          f"prompt jailbreak {_setting(setting, origin, named.name)}")


def local_auth_disabled(rule: "ResolvedRule", facts: Facts) -> Iterator[tuple[Subject, tuple[str, ...], str]]:
    for a in facts.accounts:
        if not a.local_auth_disabled:
            yield a, ("localAuth",), "accepts local authentication (API keys): allow Microsoft Entra ID only"


def public_network_disabled(rule: "ResolvedRule", facts: Facts) -> Iterator[tuple[Subject, tuple[str, ...], str]]:
    for a in facts.accounts:
        if a.public_network_access != "Disabled":
            yield a, ("publicNetworkAccess",), f"public network access is {a.public_network_access}"


def private_endpoints(rule: "ResolvedRule", facts: Facts) -> Iterator[tuple[Subject, tuple[str, ...], str]]:
    minimum = rule.parameters.get("min", 1)
    for a in facts.accounts:
        if a.private_endpoints < minimum:
            have = "no private endpoint" if not a.private_endpoints else f"{a.private_endpoints} private endpoint(s)"
            yield a, ("privateEndpoints",), f"has {have}; {rule.environment} requires at least {minimum}"


def managed_identity(rule: "ResolvedRule", facts: Facts) -> Iterator[tuple[Subject, tuple[str, ...], str]]:
    for a in facts.accounts:
        if a.identity in ("", "None"):
            yield a, ("identity",), "has no managed identity"


def diagnostics(rule: "ResolvedRule", facts: Facts) -> Iterator[tuple[Subject, tuple[str, ...], str]]:
    for a in facts.accounts:
        if not a.diagnostics:
            yield a, ("diagnostics",), "sends its logs and metrics nowhere (no diagnostic setting)"


def protected(rule: "ResolvedRule", facts: Facts) -> Iterator[tuple[Subject, tuple[str, ...], str]]:
    for a in facts.accounts:
        if not a.protect:
            yield a, ("protect",), "is not protected against deletion"


def required_tags(rule: "ResolvedRule", facts: Facts) -> Iterator[tuple[Subject, tuple[str, ...], str]]:
    wanted = rule.parameters.get("tags") or ()
    for a in facts.accounts:
        missing = [tag for tag in wanted if not a.tags.get(tag)]
        if missing:
            yield a, ("tags",), f"lacks the required tag{'s' if len(missing) > 1 else ''} {_listing(missing)}"


def max_monthly_cost(rule: "ResolvedRule", facts: Facts) -> Iterator[tuple[Subject, tuple[str, ...], str]]:
    """The stack's committed monthly cost at list price (PTU and VM hours; token use is not
    committed, an unknown price not counted), added up deployment by deployment in name order:
    the one that takes the total over the maximum is reported."""
    limit = rule.parameters.get("max")
    if limit is None:
        return
    table = facts.prices or shipped_prices()
    total = Decimal(0)
    for item in sorted(facts.billed, key=lambda b: b.billed.resource):
        line = cost_line(item.billed, table)
        if not line.committed or line.monthly is None:
            continue
        total += line.monthly
        if total > Decimal(str(limit)):
            yield item, item.field, (f"brings the stack's committed cost to {dollars(total)} a month at list price "
                                     f"({arithmetic(line)} = {dollars(line.monthly)}), over the maximum of "
                                     f"{dollars(Decimal(str(limit)))} in {rule.environment}: make it smaller, or "
                                     "raise the maximum")
            return


def _undefined(name: str) -> str:
    return f"content filter '{name}' is not defined in this stack, so its settings cannot be checked"


def _setting(setting: str | None, origin: str | None, filter_name: str, count: int = 1) -> str:
    verb = "is" if count == 1 else "are"
    if setting is None:
        return f"{verb} not set" + (f" (its base {origin} sets nothing for {'it' if count == 1 else 'them'})"
                                    if origin and origin != filter_name else "")
    if origin is None:
        return f"{verb} {setting}"
    if origin == filter_name:
        return f"{verb} {setting} (the built-in setting)"
    return f"{verb} {setting} (from its base {origin})"


CHECKS: dict[str, Check] = {
    "deployment-approved-model": approved_model,
    "deployment-approved-sku": approved_sku,
    "deployment-max-capacity": max_capacity,
    "deployment-content-filter": content_filter,
    "deployment-version-pinned": version_pinned,
    "filter-harm-levels": harm_levels,
    "filter-jailbreak": jailbreak,
    "account-local-auth-disabled": local_auth_disabled,
    "account-public-network-disabled": public_network_disabled,
    "account-private-endpoints": private_endpoints,
    "account-managed-identity": managed_identity,
    "account-diagnostics": diagnostics,
    "account-protected": protected,
    "account-required-tags": required_tags,
    "max-monthly-cost": max_monthly_cost,
}
DEPLOYMENT_CHECKS = frozenset(name for name in CHECKS if name.startswith(("deployment-", "filter-")))


def evaluate(rules: Iterable["ResolvedRule"], facts: Facts) -> list[Violation]:
    """Every violation of the enabled `rules`, in a stable order (by object, then rule)."""
    found = [Violation(rule.id, rule.level, subject.ref, subject.where, field_path, message)
             for rule in rules if rule.enabled
             for subject, field_path, message in CHECKS[rule.check](rule, facts)]
    return sorted(found, key=lambda v: (v.ref, v.rule, v.field, v.message))
