"""Every layer that does something per Azure resource type registers it beside the type table
(foundry_estate/azure/resource_types.py), one entry per type, the way pre-commit's
all_languages.py registers a language: a type added to the table without its entries fails here,
naming the registry to add it to."""

from __future__ import annotations

from typing import Any

import pytest

from foundry_estate.azure import resource_types as types
from foundry_estate.live import by_type as live
from foundry_estate.preview.summary import by_type as summary

# registry name -> (the module that holds it, its entries by type token)
REGISTRIES: dict[str, tuple[str, dict[str, Any]]] = {
    "summary sentences": ("foundry_estate/preview/summary/by_type.py SENTENCES", summary.SENTENCES),
    "drift comparisons": ("foundry_estate/live/by_type.py DRIFT", live.DRIFT),
}


@pytest.mark.parametrize("name", sorted(REGISTRIES))
def test_every_type_of_the_table_is_registered(name: str) -> None:
    where, registry = REGISTRIES[name]
    missing = [f"{entry.kind} ({entry.token})" for entry in types.TABLE if entry.token not in registry]
    assert not missing, (f"the type table lists {', '.join(missing)} but {where} has no entry for it: "
                         f"add one (a function in the module of its kind) so the {name} know the type")


@pytest.mark.parametrize("name", sorted(REGISTRIES))
def test_no_registry_speaks_for_a_type_the_table_lacks(name: str) -> None:
    where, registry = REGISTRIES[name]
    unknown = sorted(set(registry) - set(types.BY_TOKEN))
    assert not unknown, f"{where} registers {', '.join(unknown)}, which the type table lacks: add its entry there first"


def test_a_type_missing_from_a_registry_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(summary.SENTENCES, types.VAULT)
    with pytest.raises(AssertionError, match=r"key vault \(azure-native:keyvault:Vault\) but "
                                             r"foundry_estate/preview/summary/by_type.py SENTENCES has no entry"):
        test_every_type_of_the_table_is_registered("summary sentences")


def test_drift_compares_every_type_the_live_layer_reads() -> None:
    """A type `live/estate.bodies` reads from Azure is compared: its DRIFT entry is not NOT_READ."""
    from foundry_estate.live.estate import LiveAccount, LiveEstate, bodies
    one = ({"id": "x"},)
    estate = LiveEstate("sub", "group", (LiveAccount({"name": "a"}, one, one, one, {"b": one}, one),))
    read = {token for token, _ in bodies(estate)}
    assert len(read) == 6
    assert {token for token in read if live.comparison(token) is live.Comparison.NOT_READ} == set()
