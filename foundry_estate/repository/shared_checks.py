"""Checks across the stacks of a project, next to the quota they share: two stacks claiming one
Azure account (or one global custom subdomain), and Azure's accounts-per-region limit counted
over every stack of a subscription. `foundry-estate validate` (no files) and `foundry-estate quota`
run them."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from foundry_estate.catalog.limits import shipped_limits
from foundry_estate.errors import Position, Problem
from foundry_estate.manifest.document import format_path
from foundry_estate.validate.quota import StackManifest, subscription_groups


def shared_account_problems(stacks: Iterable[StackManifest]) -> list[tuple[str, Problem]]:
    """(stack, problem) for every collision and every region over the limit; a value written in a
    base several stacks extend is reported once."""
    stacks = sorted(stacks, key=lambda stack: stack.stack)
    found: dict[Problem, str] = {}
    for stack, problem in (*_collisions(stacks), *_accounts_per_region(stacks)):
        found.setdefault(problem, stack)
    return [(stack, problem) for problem, stack in found.items()]


def _collisions(stacks: list[StackManifest]) -> Iterable[tuple[str, Problem]]:
    accounts: dict[tuple[str, str, str], tuple[StackManifest, Position]] = {}
    subdomains: dict[str, tuple[StackManifest, Position]] = {}
    for stack in stacks:
        group = stack.manifest.resource_group.name.lower()
        for account in stack.manifest.accounts:
            path = ("accounts", account.key, "name")
            where = stack.document.position(path)
            key = ((stack.subscription or "").lower(), group, account.name.lower())
            first = accounts.setdefault(key, (stack, where))
            if first[0] is not stack:
                yield stack.stack, Problem(where, format_path(path), (
                    f"account '{account.name}' in resource group '{stack.manifest.resource_group.name}' is also declared "
                    f"by stack {first[0].stack} ({_where(first[1], where)}): both stacks would manage one Azure account "
                    "and quota would count it twice: give this stack its own resource group or account name"))
                continue
            subdomain_path = ("accounts", account.key, "subdomain")
            subdomain_where = stack.document.positions.get(subdomain_path, where)
            first = subdomains.setdefault(account.subdomain.lower(), (stack, subdomain_where))
            if first[0] is not stack:
                yield stack.stack, Problem(subdomain_where, format_path(path if subdomain_where == where else subdomain_path), (
                    f"custom subdomain '{account.subdomain}' is also used by stack {first[0].stack} "
                    f"({_where(first[1], subdomain_where)}): Azure subdomains are global, so the second account cannot be "
                    "created: set subdomain (or the account name) to one of this stack's own"))


def _accounts_per_region(stacks: list[StackManifest]) -> Iterable[tuple[str, Problem]]:
    limit = shipped_limits().accounts_per_region
    for group in subscription_groups(stacks):
        if len(group) < 2:
            continue  # one manifest's own count is checked with it
        by_region: dict[str, list[tuple[StackManifest, str]]] = defaultdict(list)
        for stack in group:
            for account in stack.manifest.accounts:
                by_region[account.location].append((stack, account.key))
        for location, accounts in sorted(by_region.items()):
            if len(accounts) <= limit.value:
                continue
            stack, key = accounts[limit.value]
            counts: defaultdict[str, int] = defaultdict(int)
            for owner, _key in accounts:
                counts[owner.stack] += 1
            parts = ", ".join(f"{name} ({count})" for name, count in counts.items())
            yield stack.stack, Problem(stack.document.position(("accounts", key), prefer_key=True), f"accounts.{key}", (
                f"{len(accounts)} accounts in {location} in subscription {group[0].subscription} across stacks {parts}, "
                f"from this one on over the limit: {limit.says()}: move some to another region or subscription"))


def _where(first: Position, here: Position) -> str:
    return "the same line, in a file both extend" if first == here else str(first)
