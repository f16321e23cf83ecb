"""What pulumi-azure-native reads back from an ARM body, derived from the vendored ARM specs the
way the provider derives its metadata, as the compact table the package carries
(foundry_estate/azure/read_back.json; tests/test_read_back.py holds the two equal).

The provider's `Read` builds inputs with `ResponseToSdkInputs`
(provider/pkg/convert/responseToSdkInputs.go) from the PUT's parameters: path parameters (the
subscription aside) and the body's properties as the *request* type declares them
(`BodyPropertiesToSDK`, provider/pkg/convert/bodyPropertiesToSdk.go): a property marked
`readOnly` is not in the request type, so it is not read; `x-ms-client-name` gives the SDK's
name; `x-ms-client-flatten` lifts an object's properties one level up (the provider keeps the
object's name as their container); a map whose values declare no writable property is a string
set in the SDK, the map's keys (`IsStringSet`, provider/pkg/convert/convertPropValue.go).

A shape is `None` (a value read as it is), `{"object": {wire name: entry}}`, `{"array": shape}`,
`{"map": shape}` or `{"set": true}`; an entry is the property's shape, or `{"shape", "sdk"?, "in"?}`
when the SDK names it otherwise (`sdk`) or it is flattened out of the objects `in` names.
"""

from __future__ import annotations

import os
import re
from typing import Any

from referencing.exceptions import Unresolvable

from foundry_estate.azure import resource_types as types
from support.arm_spec import SPEC_ROOT, _follow, _path_parameters, _properties, _read_only, _registry, _uri

_DEPTH = 8  # recursive definitions (an error's details) stop here and are read as they are


def _shape(schema: dict[str, Any], resolver: Any, depth: int = 0) -> Any:
    if depth > _DEPTH:
        return None
    followed = _known(schema, resolver)
    if followed is None:
        return None  # a definition the extract left out: read as it is (as the provider reads a free-form value)
    schema, resolver = followed
    declared = dict(_properties(schema, resolver))
    if declared:
        return {"object": _object(declared, depth)}
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        return {"array": _shape(schema["items"], resolver, depth + 1)}
    additional = schema.get("additionalProperties")
    if isinstance(additional, dict):
        inner = _shape(additional, resolver, depth + 1)
        if inner == {"object": {}}:
            return {"set": True}  # only read-only values: the SDK takes the keys (user-assigned identities)
        return {"map": inner}
    return None


def _object(declared: dict[str, tuple[dict[str, Any], Any]], depth: int) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, (subschema, resolver) in declared.items():
        try:
            if _read_only(subschema, resolver):
                continue
        except Unresolvable:
            pass
        if subschema.get("x-ms-client-flatten"):
            followed = _known(subschema, resolver)
            lifted = dict(_properties(*followed)) if followed else {}
            if followed and lifted and "additionalProperties" not in followed[0]:
                for inner_name, entry in _object(lifted, depth + 1).items():
                    found[inner_name] = _lift(entry, name)
                continue
        shape = _shape(subschema, resolver, depth + 1)
        client = subschema.get("x-ms-client-name")
        if isinstance(client, str) and client and client[0].lower() + client[1:] != name:
            found[name] = {"sdk": client[0].lower() + client[1:], "shape": shape}
        else:
            found[name] = shape
    return found


def _lift(entry: Any, container: str) -> dict[str, Any]:
    """An entry of a flattened object, one level up: its container named."""
    if isinstance(entry, dict) and "shape" in entry:
        return {**entry, "in": [container, *entry.get("in", [])]}
    return {"in": [container], "shape": entry}
    return found


def _known(schema: dict[str, Any], resolver: Any) -> tuple[dict[str, Any], Any] | None:
    try:
        return _follow(schema, resolver)
    except Unresolvable:
        return None


def read_back_rule(type_: str) -> dict[str, Any]:
    entry = types.BY_TOKEN[type_]
    file = os.path.join(SPEC_ROOT, entry.arm.file)
    resolver = _registry().resolver(_uri(file))
    body = _shape({"$ref": entry.arm.body}, resolver)
    path = [str(p.get("x-ms-client-name") or p["name"]) for p in _path_parameters(entry.arm, file)
            if p["name"] != "subscriptionId"]  # the subscription is the provider's setting, not an input
    order = re.findall(r"{(\w+)}", entry.arm.put_path)
    path.sort(key=lambda name: order.index(name) if name in order else len(order))
    return {"spec": entry.arm.file, "path": path, "body": body}


def derived_table() -> dict[str, Any]:
    """The package's table (foundry_estate/azure/read_back.json), derived anew."""
    return {"source": "derived by tests/support/read_back.py from tests/data/arm-spec (pulumi-azure-native's Read)",
            "types": {entry.token: read_back_rule(entry.token) for entry in sorted(types.TABLE, key=lambda e: e.token)}}
