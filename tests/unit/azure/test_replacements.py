"""What makes `pulumi up` replace a resource comes from the ARM specifications, derived as
pulumi-azure-native derives it (tests/support/replacements.py cites its source); the package
carries the derived table (foundry_estate/azure/replace_on_change.json), which must agree."""

import json
import os

from foundry_estate.azure import resource_types as types
from support.examples import REPO
from support.replacements import derived_table, replace_on_change

TABLE = os.path.join(REPO, "foundry_estate", "azure", "replace_on_change.json")


def test_the_packaged_table_is_what_the_vendored_specs_derive() -> None:
    with open(TABLE, encoding="utf-8") as handle:
        assert json.load(handle) == derived_table(), (
            "the specs and foundry_estate/azure/replace_on_change.json disagree: regenerate it from "
            "support.replacements.derived_table()")


def test_path_parameters_and_create_only_properties_replace_nothing_else() -> None:
    assert replace_on_change("azure-native:cognitiveservices:Account") == ["accountName", "location", "resourceGroupName"]
    # a deployment's model, SKU and filter are updated in place: no create-only property in its body
    assert replace_on_change("azure-native:cognitiveservices:Deployment") == [
        "accountName", "deploymentName", "resourceGroupName"]


def test_the_type_table_uses_the_derived_rules() -> None:
    for token, rule in derived_table()["types"].items():
        assert types.BY_TOKEN[token].replace_on_change == tuple(rule["replaceOnChanges"])
