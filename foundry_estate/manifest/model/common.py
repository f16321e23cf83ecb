"""What the sections of the typed manifest share: defaults, tags, identities."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from foundry_estate.azure.content_filters import BUILTIN_CONTENT_FILTERS, DEFAULT_CONTENT_FILTER

__all__ = ["BUILTIN_CONTENT_FILTERS", "DEFAULT_CONTENT_FILTER", "Identity", "Tags", "identity_of", "sorted_tags"]

Tags = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Identity:
    type: str  # Azure's spelling: None | SystemAssigned | UserAssigned | "SystemAssigned, UserAssigned"
    user_assigned: tuple[str, ...] = ()


def identity_of(spec: Any) -> Identity:
    if isinstance(spec, str):
        return Identity(spec)
    kind = "SystemAssigned, UserAssigned" if spec.get("systemAssigned") else "UserAssigned"
    return Identity(kind, tuple(sorted(spec["userAssigned"])))


def sorted_tags(tags: Mapping[str, str]) -> Tags:
    return tuple(sorted(tags.items()))


def own_tags(spec: Mapping[str, Any]) -> Tags | None:
    """A child resource's own `tags` (instead of its account's), or None when it declares none."""
    tags = spec.get("tags")
    return None if tags is None else sorted_tags(tags)
