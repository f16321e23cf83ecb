"""Resources in words: a resource's title (`deployment grok-3`) and its key inputs, for plans
and diffs. What each type is called and which inputs matter is its entry in `resource_types`.

Reads the engine's camelCase inputs, so it describes any plan, whatever wrote it.
"""

from __future__ import annotations

from typing import Any

from foundry_estate.azure import resource_types as types
from foundry_estate.azure.key_inputs import blocklist_item, filter_entry_label, role_label, traffic_words
from foundry_estate.azure.resource_types import DEPLOYMENT, GENERIC, WORKSPACE, is_deployment, is_hub

__all__ = ["DEPLOYMENT", "GENERIC", "WORKSPACE", "details", "filter_entry_label", "is_deployment", "is_hub", "kind",
           "role_label", "title", "traffic_words"]


def kind(type_: str) -> str:
    entry = types.of(type_)
    return entry.kind if entry else type_


def title(type_: str, inputs: dict[str, Any], logical_name: str) -> str:
    """`deployment grok-3`; role assignments by what they grant."""
    if type_ == types.ROLE_ASSIGNMENT:
        return f"role {role_label(inputs)}"
    if type_ == types.BLOCKLIST_ITEM:
        return f"blocklist item {blocklist_item(inputs)} in {inputs.get('raiBlocklistName')}"
    if is_hub(type_, inputs):
        return f"hub {inputs.get('workspaceName', logical_name)}"
    if type_ == types.ONLINE_DEPLOYMENT:
        return f"online deployment {inputs.get('endpointName')}/{inputs.get('deploymentName', logical_name)}"
    entry = types.as_read(type_, inputs)
    if entry is None:
        return f"{type_} {logical_name}"
    return f"{entry.kind} {inputs.get(entry.shown_name_input, logical_name)}"


def details(type_: str, inputs: dict[str, Any]) -> str:
    entry = types.as_read(type_, inputs)
    return entry.key_inputs(inputs) if entry and type_ != types.ROLE_ASSIGNMENT else ""
