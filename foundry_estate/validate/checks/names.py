"""Azure names are case-insensitive: names that differ only in case collide."""

from __future__ import annotations

from typing import Any, Iterator

from foundry_estate.azure.roles import role_definition_guid
from foundry_estate.errors import Problem
from foundry_estate.manifest.document import Document, Path
from foundry_estate.manifest.model import private_endpoint_name, subdomain_of
from foundry_estate.manifest.reading import accounts_in, as_list, as_map


def check_unique_names(doc: Document) -> Iterator[Problem]:
    """Azure names are case-insensitive: names that differ only in case collide."""
    accounts = list(accounts_in(doc.data))
    yield from unique(doc, "account name", ((("accounts", key, "name"), account.get("name")) for key, account in accounts))
    yield from unique(doc, "custom subdomain", (
        (("accounts", key, "subdomain" if "subdomain" in account else "name"), _subdomain(account)) for key, account in accounts))
    for key, account in accounts:
        base = ("accounts", key)
        yield from unique(doc, "deployment name", ((base + ("deployments", name), name) for name in as_map(account.get("deployments"))), key=True)
        yield from unique(doc, "project name", ((base + ("projects", name), name) for name in as_map(account.get("projects"))), key=True)
        yield from unique(doc, "private endpoint name", (
            (base + ("privateEndpoints", index), pe_name(account, endpoint)) for index, endpoint in enumerate(as_list(account.get("privateEndpoints")))))
        yield from unique(doc, "role assignment", (
            (base + ("roleAssignments", index), _assignment(assignment)) for index, assignment in enumerate(as_list(account.get("roleAssignments")))),
            note="")
    yield from unique(doc, "content filter name", ((("contentFilters", name), name) for name in as_map(doc.data.get("contentFilters"))), key=True)
    yield from unique(doc, "blocklist name", ((("blocklists", name), name) for name in as_map(doc.data.get("blocklists"))), key=True)


def _subdomain(account: dict[str, Any]) -> str | None:
    return subdomain_of(account) if isinstance(account.get("name"), str) and isinstance(account.get("subdomain", ""), str) else None


def pe_name(account: dict[str, Any], endpoint: Any) -> str | None:
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


def unique(doc: Document, what: str, entries: Any, key: bool = False,
            note: str = " (Azure names ignore case)") -> Iterator[Problem]:
    first: dict[str, Path] = {}
    for path, value in entries:
        if not isinstance(value, str):
            continue
        seen = first.setdefault(value.lower(), path)
        if seen != path:
            line = doc.position(seen, prefer_key=key).line
            yield doc.problem(path, f"{what} '{value}' is already used at line {line}{note}", prefer_key=key)
