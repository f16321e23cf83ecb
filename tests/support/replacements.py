"""Which input changes make pulumi-azure-native replace a resource, derived from the vendored
ARM specifications the way the provider derives them.

pulumi-azure-native (3.x) replaces a resource when an input changes that is
- a path parameter of the resource's PUT operation (its name, resource group, parents; the
  subscription is a provider setting, not an input; the type table gives each operation's path):
  provider/pkg/provider/diff.go, `calculateDetailedDiff` (`p.Location == "path"`);
- a property of the PUT body whose `x-ms-mutability` lists `create` but not `update`, at the top
  level of the body (properties flattened into it by `x-ms-client-flatten` count as top level;
  a non-updatable property of a nested object does not replace the resource):
  provider/pkg/gen/properties.go, `forceNew` and `propChangeForcesRecreate`;
- or listed in the provider's `forceNewMap` (provider/pkg/gen/replacement.go; `FORCE_NEW_MAP`
  below; it lists none of the Microsoft.CognitiveServices types).
Everything else is updated in place with a PUT.
"""

from __future__ import annotations

import os
import re
from typing import Any

from foundry_estate.azure import resource_types as types
from support.arm_spec import SPEC_ROOT, _load

_PROVIDER_SETTINGS = ("subscriptionId",)


def operations() -> dict[str, tuple[str, str, str]]:
    """Each type of the type table whose vendored spec has its PUT body: (file, path, body)."""
    found = {}
    for entry in types.TABLE:
        if not os.path.isfile(os.path.join(SPEC_ROOT, entry.arm.file)):
            continue
        try:
            _replacing({"$ref": entry.arm.body}, entry.arm.file, set())
        except (KeyError, FileNotFoundError):
            continue  # the extract lacks a definition the derivation needs
        found[entry.token] = (entry.arm.file, entry.arm.put_path, entry.arm.body)
    return found


def _document(path: str) -> dict[str, Any]:
    """A vendored spec file, by its path under the specification folder (read once)."""
    return _load(os.path.join(SPEC_ROOT, path))


def _resolve(node: dict[str, Any], file: str) -> tuple[dict[str, Any], str]:
    """Follow `$ref`s (within a file or to another, relative to it) to the schema itself."""
    while "$ref" in node:
        target, _, pointer = node["$ref"].partition("#")
        if target:
            file = os.path.normpath(os.path.join(os.path.dirname(file), target))
        node = _document(file)
        for part in pointer.strip("/").split("/"):
            node = node[part]
    return node, file


def _create_only(declared: dict[str, Any], resolved: dict[str, Any]) -> bool:
    mutability = declared.get("x-ms-mutability", resolved.get("x-ms-mutability"))
    return mutability is not None and "create" in mutability and "update" not in mutability


def _create_only_inside(schema: dict[str, Any], file: str) -> set[str]:
    """The create-only properties of a nested object (following allOf), one level down."""
    found = set()
    for parent in schema.get("allOf", ()):
        try:
            found |= _create_only_inside(*_resolve(parent, file))
        except (KeyError, FileNotFoundError):
            continue
    for name, declared in schema.get("properties", {}).items():
        try:
            resolved, _ = _resolve(declared, file)
        except (KeyError, FileNotFoundError):
            resolved = {}
        if not (declared.get("readOnly") or resolved.get("readOnly")) and _create_only(declared, resolved):
            found.add(declared.get("x-ms-client-name", name))
    return found


def _replacing(schema: dict[str, Any], file: str, found: set[str], nested: set[str] | None = None) -> None:
    """The top-level body properties (following allOf and flattening) that only `create` may set;
    into `nested`, those one object down (`properties.instanceType`), which azure-native updates
    in place and Azure refuses to change."""
    schema, file = _resolve(schema, file)
    for parent in schema.get("allOf", ()):
        _replacing(parent, file, found, nested)
    for name, declared in schema.get("properties", {}).items():
        try:
            resolved, resolved_file = _resolve(declared, file)
        except (KeyError, FileNotFoundError):
            if declared.get("x-ms-client-flatten"):
                raise  # what it flattens in is not vendored: the type cannot be derived
            resolved, resolved_file = {}, file  # a definition the extract left out: its own mutability is declared here
        if declared.get("x-ms-client-flatten") and "additionalProperties" not in resolved:
            _replacing(resolved, resolved_file, found, nested)
            continue
        if declared.get("readOnly") or resolved.get("readOnly"):
            continue
        if _create_only(declared, resolved):
            found.add(declared.get("x-ms-client-name", name))
        elif nested is not None:
            nested.update(f"{declared.get('x-ms-client-name', name)}.{inner}"
                          for inner in _create_only_inside(resolved, resolved_file))


# The provider's own `forceNewMap` (provider/pkg/gen/replacement.go), for the types the kit registers.
FORCE_NEW_MAP = {
    "azure-native:authorization:RoleAssignment": ("principalId", "scope"),
    "azure-native:network:PrivateEndpoint": ("subnet",),
    "azure-native:resources:ResourceGroup": ("location",),
    "azure-native:storage:StorageAccount": ("isHnsEnabled", "location"),
}


def replace_on_change(type_: str) -> list[str]:
    """The inputs whose change makes azure-native replace a resource of `type_`: the path
    parameters of its PUT (as the operation's path names them) and its body's create-only
    properties."""
    file, path, body = operations()[type_]
    found = {name for name in re.findall(r"{(\w+)}", path) if name not in _PROVIDER_SETTINGS}
    _replacing({"$ref": body}, file, found)
    return sorted(found | set(FORCE_NEW_MAP.get(type_, ())))


def refused_in_place(type_: str) -> list[str]:
    """The inputs one object into the body that the spec marks create-only: azure-native sends
    their change as an update, which Azure refuses."""
    file, _, body = operations()[type_]
    nested: set[str] = set()
    _replacing({"$ref": body}, file, set(), nested)
    return sorted(nested)


def derived_table() -> dict[str, Any]:
    """The package's compact table (foundry_estate/azure/replace_on_change.json), derived anew."""
    derivable = operations()
    return {
        "source": "derived by tests/support/replacements.py from tests/data/arm-spec (pulumi-azure-native's rules)",
        "types": {type_: {"spec": derivable[type_][0], "replaceOnChanges": replace_on_change(type_),
                          "refusedInPlace": refused_in_place(type_)}
                  for type_ in sorted(derivable)},
    }
