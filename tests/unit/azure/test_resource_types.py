"""The type table (foundry_estate/azure/resource_types.py): one entry per Azure resource type the
kit registers, consistent with itself and with the vendored ARM specs."""

import json
import os

import pytest

from foundry_estate.azure import resource_types as types
from foundry_estate.preview.engine import run_program
from support.examples import REPO
from foundry_estate.project.stacks import discover
from support import arm_spec
from support.arm_spec import SPEC_ROOT


def test_every_type_the_example_stacks_register_has_one_entry() -> None:
    registered = {r.type for stack in discover(REPO) for r in run_program(stack.name).resources if r.custom}
    assert registered - set(types.BY_TOKEN) == set()
    assert len(types.BY_TOKEN) == len(types.TABLE)


@pytest.mark.parametrize("entry", types.TABLE, ids=lambda e: e.token.split(":", 1)[1])
def test_the_entry_names_a_vendored_spec_and_its_body_definition(entry: types.ResourceType) -> None:
    path = os.path.join(SPEC_ROOT, entry.arm.file)
    with open(path, encoding="utf-8") as handle:
        spec = json.load(handle)
    assert entry.arm.body.startswith("#/definitions/")
    assert entry.arm.body.rsplit("/", 1)[-1] in spec["definitions"]
    if "version" in spec.get("info", {}):
        assert spec["info"]["version"] == entry.arm.api_version
    for ref in entry.arm.parameters:
        assert arm_spec._lookup(path, {"$ref": ref})["in"] == "path"


@pytest.mark.parametrize("entry", types.TABLE, ids=lambda e: e.token.split(":", 1)[1])
def test_the_azure_name_and_the_placement_are_path_parameters_of_the_put(entry: types.ResourceType) -> None:
    placeholders = [part[1:-1] for part in entry.arm.put_path.split("/") if part.startswith("{")]
    assert placeholders[-1] == entry.azure_name_input
    assert set(entry.placement or ()) <= set(placeholders)
    # where it lives and what it is called are fixed once it exists
    assert set(placeholders) - {"subscriptionId"} <= set(entry.replace_on_change)


def test_reading_order_puts_unknown_types_last_and_claude_with_the_deployments() -> None:
    assert types.reading_rank(types.RESOURCE_GROUP) < types.reading_rank(types.ACCOUNT) < \
        types.reading_rank(types.DEPLOYMENT) < types.reading_rank("azure-native:web:WebApp")
    claude = {"resourceProviderNamespace": "Microsoft.CognitiveServices", "resourceType": "deployments"}
    assert types.is_deployment(types.GENERIC, claude)
    assert types.as_read(types.GENERIC, claude).kind == "deployment"  # type: ignore[union-attr]
    assert types.as_read(types.GENERIC, {**claude, "resourceType": "raiPolicies"}) is None


def test_the_guardrails_read_accounts_deployments_filters_endpoints_and_diagnostics() -> None:
    assert types.GUARDED == {types.ACCOUNT, types.DEPLOYMENT, types.ONLINE_DEPLOYMENT, types.RAI_POLICY, types.PRIVATE_ENDPOINT,
                             types.DIAGNOSTIC_SETTING, types.GENERIC}
