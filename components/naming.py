"""Pulumi logical names, derived from Azure names only.

A logical name (and so a URN) never contains a manifest key or a list position: renaming a
manifest key or reordering a list leaves every URN, and so every cloud resource, alone.
Children of an account are named `<account>/<child>`: `/` cannot occur in Azure names, so
no two Azure identities share a logical name.
"""

from __future__ import annotations

import hashlib
import json
import uuid

from foundry_estate.manifest.model import BlocklistItem

_ROLE_ASSIGNMENT_NAMESPACE = uuid.UUID("0d3f6a52-8f4e-4b8e-9c55-6b1f0f6f1a10")


def child_name(account_name: str, *parts: str) -> str:
    return "/".join((account_name, *parts))


def blocklist_item_name(item: BlocklistItem) -> str:
    """A stable digest of the item's content: reordering a blocklist churns nothing."""
    digest = hashlib.sha256(json.dumps([item.pattern, item.regex]).encode("utf-8")).hexdigest()
    return digest[:24]


def role_assignment_name(subdomain: str, principal_id: str, role_guid: str) -> str:
    """Azure wants a GUID; this one is a pure function of what the assignment means
    (the account's subdomain is globally unique, so it stands for the scope)."""
    key = "/".join((subdomain.lower(), principal_id.lower(), role_guid.lower()))
    return str(uuid.uuid5(_ROLE_ASSIGNMENT_NAMESPACE, key))
