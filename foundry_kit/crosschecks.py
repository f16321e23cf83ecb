"""Rules that span several values, which JSON Schema cannot express.

They run on the raw document next to the schema, so a user sees every error at once.
Each check reads defensively: a value of the wrong shape is the schema's to report, and
is skipped here.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
import warnings
from collections import defaultdict
from typing import Any, Callable, Iterator

from .document import Document, Path, format_path
from .errors import Problem
from .manifest import BUILTIN_CONTENT_FILTERS, private_endpoint_name, subdomain_of
from .roles import role_definition_guid
from .schema import validator

_SUBDOMAIN = re.compile(validator().schema["$defs"]["account"]["properties"]["subdomain"]["pattern"])
_PRIVATE_ENDPOINT_NAME_LIMIT = 80
_PROVISIONED = ("ProvisionedManaged", "GlobalProvisionedManaged", "DataZoneProvisionedManaged")
_OPENAI_ONLY_FORMATS = ("OpenAI",)


def _map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _accounts(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for key, account in _map(data.get("accounts")).items():
        if isinstance(account, dict):
            yield key, account


def _deployments(data: dict[str, Any]) -> Iterator[tuple[Path, str, dict[str, Any], dict[str, Any]]]:
    for key, account in _accounts(data):
        for name, deployment in _map(account.get("deployments")).items():
            if isinstance(deployment, dict):
                yield ("accounts", key, "deployments", name), name, deployment, account


def _did_you_mean(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def check_references(doc: Document) -> Iterator[Problem]:
    """contentFilter, blocklist and spillover names point at things that exist."""
    data = doc.data
    filters = _map(data.get("contentFilters"))
    blocklists = _map(data.get("blocklists"))
    for name in filters:
        if name.startswith("Microsoft."):
            yield doc.problem(("contentFilters", name), f"'{name}' is reserved for Azure's built-in policies: choose another name", prefer_key=True)
    for path, name, deployment, account in _deployments(data):
        wanted = _str(deployment.get("contentFilter"))
        if wanted and wanted not in filters and wanted not in BUILTIN_CONTENT_FILTERS:
            yield doc.problem(path + ("contentFilter",),
                              f"content filter '{wanted}' is not defined in contentFilters{_did_you_mean(wanted, list(filters))}; "
                              f"built-in policies are {', '.join(BUILTIN_CONTENT_FILTERS)}")
        target = _str(deployment.get("spillover"))
        siblings = list(_map(account.get("deployments")))
        if target == name:
            yield doc.problem(path + ("spillover",), "a deployment cannot spill over to itself")
        elif target and target not in siblings:
            yield doc.problem(path + ("spillover",),
                              f"spillover deployment '{target}' is not a deployment of this account{_did_you_mean(target, siblings)}")
    for name, spec in filters.items():
        for index, blocklist in enumerate(_list(_map(spec).get("blocklists"))):
            if isinstance(blocklist, str) and blocklist not in blocklists:
                yield doc.problem(("contentFilters", name, "blocklists", index),
                                  f"blocklist '{blocklist}' is not defined in blocklists{_did_you_mean(blocklist, list(blocklists))}")


def check_spillover(doc: Document) -> Iterator[Problem]:
    """Spillover goes from a provisioned deployment to a standard one (Azure's rule)."""
    for path, _name, deployment, account in _deployments(doc.data):
        target = _str(deployment.get("spillover"))
        target_spec = _map(_map(account.get("deployments")).get(target))
        if not target or not target_spec:
            continue
        if deployment.get("sku") not in _PROVISIONED:
            yield doc.problem(path + ("spillover",), f"spillover is only available on provisioned deployments ({', '.join(_PROVISIONED)}), not {deployment.get('sku')}")
        elif target_spec.get("sku") in _PROVISIONED:
            yield doc.problem(path + ("spillover",), f"spillover deployment '{target}' must use a standard SKU, not {target_spec.get('sku')}")


def check_unique_names(doc: Document) -> Iterator[Problem]:
    """Azure names are case-insensitive: names that differ only in case collide."""
    accounts = list(_accounts(doc.data))
    yield from _unique(doc, "account name", ((("accounts", key, "name"), account.get("name")) for key, account in accounts))
    yield from _unique(doc, "custom subdomain", (
        (("accounts", key, "subdomain" if "subdomain" in account else "name"), _subdomain(account)) for key, account in accounts))
    for key, account in accounts:
        base = ("accounts", key)
        yield from _unique(doc, "deployment name", ((base + ("deployments", name), name) for name in _map(account.get("deployments"))), key=True)
        yield from _unique(doc, "project name", ((base + ("projects", name), name) for name in _map(account.get("projects"))), key=True)
        yield from _unique(doc, "private endpoint name", (
            (base + ("privateEndpoints", index), _pe_name(account, endpoint)) for index, endpoint in enumerate(_list(account.get("privateEndpoints")))))
        yield from _unique(doc, "role assignment", (
            (base + ("roleAssignments", index), _assignment(assignment)) for index, assignment in enumerate(_list(account.get("roleAssignments")))),
            note="")
    yield from _unique(doc, "content filter name", ((("contentFilters", name), name) for name in _map(doc.data.get("contentFilters"))), key=True)
    yield from _unique(doc, "blocklist name", ((("blocklists", name), name) for name in _map(doc.data.get("blocklists"))), key=True)


def _subdomain(account: dict[str, Any]) -> str | None:
    return subdomain_of(account) if isinstance(account.get("name"), str) and isinstance(account.get("subdomain", ""), str) else None


def _pe_name(account: dict[str, Any], endpoint: Any) -> str | None:
    try:
        name = private_endpoint_name(account["name"], endpoint)
    except (KeyError, IndexError, TypeError, AttributeError):
        return None
    return name if isinstance(name, str) else None


def _assignment(assignment: Any) -> str | None:
    try:
        return f"{assignment['principalId'].lower()} / {role_definition_guid(assignment['role'])}"
    except (KeyError, TypeError, AttributeError):
        return None


def _unique(doc: Document, what: str, entries: Any, key: bool = False,
            note: str = " (Azure names ignore case)") -> Iterator[Problem]:
    first: dict[str, Path] = {}
    for path, value in entries:
        if not isinstance(value, str):
            continue
        seen = first.setdefault(value.lower(), path)
        if seen != path:
            line = doc.position(seen, prefer_key=key).line
            yield doc.problem(path, f"{what} '{value}' is already used at line {line}{note}", prefer_key=key)


def check_accounts(doc: Document) -> Iterator[Problem]:
    """Per-account rules: location, subdomain, kind-specific features, network values."""
    data = doc.data
    group = _map(data.get("resourceGroup"))
    if group and group.get("create", True) is True and "location" not in data:
        yield doc.problem(("resourceGroup",), "set the top-level location: the kit creates the resource group there", prefer_key=True)
    for key, account in _accounts(data):
        base = ("accounts", key)
        if "location" not in account and "location" not in data:
            yield doc.problem(base, "no location: set accounts.<key>.location or the top-level location", prefer_key=True)
        name = _str(account.get("name"))
        if name and "subdomain" not in account and not _SUBDOMAIN.match(name):
            yield doc.problem(base + ("name",), f"'{name}' cannot be the custom subdomain (letters, digits and '-' only): set subdomain")
        if account.get("kind") == "OpenAI":
            if _map(account.get("projects")):
                yield doc.problem(base + ("projects",), "projects need kind AIServices (an OpenAI account cannot hold projects)", prefer_key=True)
            for name, deployment in _map(account.get("deployments")).items():
                model_format = _str(_map(_map(deployment).get("model")).get("format"))
                if model_format and model_format not in _OPENAI_ONLY_FORMATS:
                    yield doc.problem(base + ("deployments", name, "model", "format"),
                                      f"an OpenAI account serves only OpenAI models, not '{model_format}': use kind AIServices")
        for index, endpoint in enumerate(_list(account.get("privateEndpoints"))):
            pe_name = _pe_name(account, endpoint)
            if pe_name and len(pe_name) > _PRIVATE_ENDPOINT_NAME_LIMIT and "name" not in endpoint:
                yield doc.problem(base + ("privateEndpoints", index), f"the default name '{pe_name}' is longer than "
                                  f"Azure's {_PRIVATE_ENDPOINT_NAME_LIMIT} characters: set name", prefer_key=True)
        for index, rule in enumerate(_list(_map(account.get("networkAcls")).get("ipRules"))):
            if isinstance(rule, str):
                try:
                    ipaddress.IPv4Network(rule, strict=True)
                except ValueError as error:
                    yield doc.problem(base + ("networkAcls", "ipRules", index), f"'{rule}' is not a valid IPv4 address or range: {error}")


def check_blocklists(doc: Document) -> Iterator[Problem]:
    """Items are unique (they are named by their content) and regexes compile."""
    for name, blocklist in _map(doc.data.get("blocklists")).items():
        seen: dict[tuple[str, bool], int] = {}
        for index, item in enumerate(_list(_map(blocklist).get("items"))):
            pattern, regex = (item, False) if isinstance(item, str) else (_str(_map(item).get("pattern")), _map(item).get("regex", False))
            if pattern is None or not isinstance(regex, bool):
                continue
            path = ("blocklists", name, "items", index)
            if (pattern, regex) in seen:
                yield doc.problem(path, f"duplicate item {pattern!r} (already at line {doc.position(path[:-1] + (seen[pattern, regex],)).line})")
            seen.setdefault((pattern, regex), index)
            if regex:
                reason = _regex_error(pattern)
                if reason:
                    yield doc.problem(path, f"invalid regular expression {pattern!r}: {reason}")


def _regex_error(pattern: str) -> str | None:
    """Why `pattern` does not compile (Python's dialect, close to .NET's for common syntax), or None."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # FutureWarnings about possible future syntax are not errors
        try:
            re.compile(pattern)
        except re.error as error:
            return str(error)
        except (OverflowError, RecursionError, ValueError):
            return "too large or too deeply nested"
    return None


def check_quotas(doc: Document) -> Iterator[Problem]:
    """The sum of capacities per (location, sku, model) stays within each budget."""
    data = doc.data
    requested: dict[tuple[str, str, str], list[tuple[Path, int]]] = defaultdict(list)
    for path, _name, deployment, account in _deployments(data):
        location = account.get("location") or data.get("location")
        model = _str(_map(deployment.get("model")).get("name"))
        sku = _str(deployment.get("sku"))
        capacity = deployment.get("capacity")
        if isinstance(location, str) and model and sku:
            valid = isinstance(capacity, int) and not isinstance(capacity, bool)
            requested[location, sku, model].append((path, capacity if valid else 0))
    for index, quota in enumerate(_list(data.get("quotas"))):
        quota = _map(quota)
        limit = quota.get("limit")
        if not isinstance(limit, int) or isinstance(limit, bool):
            continue
        key = (quota.get("location"), quota.get("sku"), quota.get("model"))
        if not all(isinstance(part, str) for part in key):
            continue
        users = requested.get(key, [])
        if not users and limit > 0:  # a budget of 0 forbids a model; any other budget nothing uses is likely a typo
            yield doc.problem(("quotas", index), f"no deployment uses {key[2]} {key[1]} in {key[0]}: check the model name, SKU and location",
                              severity="warning")
        total = sum(capacity for _path, capacity in users)
        if total > limit:
            parts = ", ".join(f"{format_path(path)} ({capacity})" for path, capacity in users)
            yield doc.problem(("quotas", index, "limit"),
                              f"deployments request {total} capacity units of {quota.get('model')} {quota.get('sku')} in "
                              f"{quota.get('location')}, over the limit of {limit}: {parts}")


def check_unused(doc: Document) -> Iterator[Problem]:
    """Warn about filters and blocklists nothing uses: the kit creates them nowhere."""
    data = doc.data
    used_filters = {_str(d.get("contentFilter")) for _p, _n, d, _a in _deployments(data)}
    filters = _map(data.get("contentFilters"))
    for name in filters:
        if name not in used_filters and _written_here(doc, ("contentFilters", name)):
            yield doc.problem(("contentFilters", name), f"content filter '{name}' is used by no deployment, so it is created on no account",
                              prefer_key=True, severity="warning")
    used_lists = {b for spec in filters.values() for b in _list(_map(spec).get("blocklists")) if isinstance(b, str)}
    for name in _map(data.get("blocklists")):
        if name not in used_lists and _written_here(doc, ("blocklists", name)):
            yield doc.problem(("blocklists", name), f"blocklist '{name}' is used by no content filter, so it is created on no account",
                              prefer_key=True, severity="warning")


def _written_here(doc: Document, path: Path) -> bool:
    """Defined in this file rather than in a shared base that many stacks extend."""
    return doc.position(path, prefer_key=True).file == doc.file


CHECKS: tuple[Callable[[Document], Iterator[Problem]], ...] = (
    check_references, check_spillover, check_unique_names, check_accounts, check_blocklists, check_quotas, check_unused,
)
