"""How drift treats each Azure resource type: one entry per type of the type table
(`foundry_estate/azure/resource_types.py`), the way pre-commit's `all_languages.py` registers a
language. A new type is one entry here; tests/unit/test_type_registries.py fails while a type has
none, so a type is never left out of drift without saying so.
"""

from __future__ import annotations

from enum import Enum

from foundry_estate.azure import resource_types as types


class Comparison(Enum):
    """What `live/drift.py` does with a declared resource of the type and with what Azure has of it."""

    READ_BACK = "read back from its ARM body and compared with the declared inputs, as `pulumi up` compares"
    FILTER_LEVELS = "read back and compared, its content-filter levels by category (Azure's built-in filters aside)"
    BY_TERM = "matched by its term (the kit names items by a digest of it), present or missing"
    PRESENCE = "present or missing only (the generic resource reads back Azure's whole `properties`)"
    NOT_READ = "not compared: the live layer does not read it yet"


# In drift's reading order within an account: the compared types first, in the order drift reports them.
DRIFT: dict[str, Comparison] = {
    types.ACCOUNT: Comparison.READ_BACK,
    types.DEPLOYMENT: Comparison.READ_BACK,
    types.GENERIC: Comparison.PRESENCE,
    types.RAI_POLICY: Comparison.FILTER_LEVELS,
    types.BLOCKLIST: Comparison.READ_BACK,
    types.BLOCKLIST_ITEM: Comparison.BY_TERM,
    types.PROJECT: Comparison.READ_BACK,
    types.RESOURCE_GROUP: Comparison.NOT_READ,
    types.PRIVATE_ENDPOINT: Comparison.NOT_READ,
    types.DNS_ZONE_GROUP: Comparison.NOT_READ,
    types.DIAGNOSTIC_SETTING: Comparison.NOT_READ,
    types.ROLE_ASSIGNMENT: Comparison.NOT_READ,
    types.WORKSPACE: Comparison.NOT_READ,
    types.STORAGE_ACCOUNT: Comparison.NOT_READ,
    types.VAULT: Comparison.NOT_READ,
    types.MARKETPLACE_SUBSCRIPTION: Comparison.NOT_READ,
    types.SERVERLESS_ENDPOINT: Comparison.NOT_READ,
    types.ONLINE_ENDPOINT: Comparison.NOT_READ,
    types.ONLINE_DEPLOYMENT: Comparison.NOT_READ,
}

COMPARED: tuple[str, ...] = tuple(token for token, how in DRIFT.items() if how is not Comparison.NOT_READ)


def comparison(token: str) -> Comparison:
    """Its type's entry; a type the kit does not know is not compared."""
    return DRIFT.get(token, Comparison.NOT_READ)
