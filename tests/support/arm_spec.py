"""The official ARM REST specifications (vendored in tests/data/arm-spec), as a checker of what the kit sends.

`problems(type, inputs)` turns a resource's Pulumi inputs into the PUT azure-native makes to the
operation its entry in the type table names (foundry_estate/azure/resource_types.py): path
parameters apart, SDK names turned into wire names (`x-ms-client-name`) and flattened
properties put back where the spec has them (`x-ms-client-flatten`), the rest as the JSON body.
It lists every way that request departs from the spec: path parameters against their patterns
and lengths, the body against the operation's body definition (JSON Schema draft 4, `$ref`s
across files resolved with `referencing`, read the Swagger way: `additionalProperties: false`
admits inherited properties, a `discriminator` selects the subtype), plus two things draft 4
does not check: read-only properties sent, and keys the definition does not declare (ARM
definitions rarely say `additionalProperties: false`, so a misspelt key would otherwise pass).
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator
from urllib.parse import urlparse
from urllib.request import url2pathname

from jsonschema import Draft4Validator, validators
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from foundry_estate.azure import resource_types as types

if TYPE_CHECKING:
    from referencing._core import Resolver

SPEC_ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "arm-spec", "specification")
# The Microsoft.CognitiveServices spec of accounts and their children (its examples feed the list parsers' tests).
SPEC = os.path.join(SPEC_ROOT, types.BY_TOKEN[types.ACCOUNT].arm.file)
API_VERSION = types.BY_TOKEN[types.ACCOUNT].arm.api_version


# The generic resource (`resources:Resource`), which the kit uses for Anthropic deployments: the
# child types of an account it may write, as the typed resource whose operation applies (and that
# resource's name input); and the properties the RP takes that this spec version does not declare.
GENERIC = "azure-native:resources:Resource"
GENERIC_CHILDREN = {"deployments": ("azure-native:cognitiveservices:Deployment", "deploymentName")}
UNDECLARED = {"azure-native:cognitiveservices:Deployment": ("modelProviderData",)}
_GENERIC_ONLY = ("apiVersion", "resourceProviderNamespace", "parentResourcePath", "resourceType", "resourceName")


def as_typed(inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A generic resource's inputs as the typed resource it writes (same path and body), less its
    own inputs (`apiVersion`, the path parts) and the properties the spec does not declare."""
    parent = inputs.get("parentResourcePath")
    child = GENERIC_CHILDREN.get(str(inputs.get("resourceType")))
    if inputs.get("resourceProviderNamespace") != "Microsoft.CognitiveServices" or child is None \
            or not isinstance(parent, str) or not parent.startswith("accounts/"):
        return GENERIC, inputs
    typed, name_input = child
    body = {key: value for key, value in inputs.items() if key not in _GENERIC_ONLY}
    body["properties"] = {key: value for key, value in body.get("properties", {}).items()
                          if key not in UNDECLARED.get(typed, ())}
    return typed, {**body, "accountName": parent[len("accounts/"):], name_input: inputs.get("resourceName")}


def problems(type_: str, inputs: dict[str, Any]) -> list[str]:
    """Every departure from the spec of the PUT azure-native makes for a resource with these inputs
    (the operation is the one its entry in the type table names)."""
    if type_ == GENERIC:
        type_, inputs = as_typed(inputs)
    entry = types.of(type_)
    if entry is None:
        return [f"{type_}: no entry in the type table (foundry_estate/azure/resource_types.py)"]
    spec = entry.arm
    file = os.path.join(SPEC_ROOT, spec.file)
    body = to_wire(inputs)
    if type_ == GENERIC:
        body.pop("apiVersion", None)  # the generic resource's api-version goes in the query string
    found: list[str] = []
    for parameter in _path_parameters(spec, file):
        found += _path_problems(parameter, body.pop(parameter["name"], None))
    schema = {"$ref": _uri(file) + spec.body}
    return found + body_problems(unflatten(body, schema, _registry().resolver()), spec.body, file)


def unflatten(value: Any, schema: dict[str, Any], resolver: Resolver) -> Any:
    """The body as azure-native sends it. Inputs carry the SDK's names (a property's
    `x-ms-client-name`, e.g. `enableHttpsTrafficOnly` for `supportsHttpsTrafficOnly`), which the
    provider writes under their wire names; and the properties of an object the spec marks
    `x-ms-client-flatten` (most often `properties`) are inputs one level up, which the provider
    puts back inside it. Keys the spec declares at the outer level stay where they are."""
    schema, resolver = _follow(schema, resolver)
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [unflatten(item, schema["items"], resolver) for item in value]
    if not isinstance(value, dict):
        return value
    declared = dict(_properties(schema, resolver))
    aliases = _client_names(declared)
    value = {key if key in declared else aliases.get(key, key): item for key, item in value.items()}
    for name, (subschema, subresolver) in declared.items():
        if not subschema.get("x-ms-client-flatten") or all(key in declared for key in value):
            continue  # (nothing to move: extracts need not carry what a flattened object holds)
        inner = dict(_properties(*_follow(subschema, subresolver)))
        known = set(inner) | set(_client_names(inner))
        moved = {key: value.pop(key) for key in list(value) if key in known and key not in declared}
        if moved:
            value[name] = {**value.get(name, {}), **moved}
    return {key: unflatten(item, *declared[key]) if key in declared else item for key, item in value.items()}


def _client_names(declared: dict[str, tuple[dict[str, Any], Resolver]]) -> dict[str, str]:
    """The SDK's (camelCase) names of properties that have one, to their wire names."""
    found = {}
    for name, (subschema, _) in declared.items():
        client = subschema.get("x-ms-client-name")
        if isinstance(client, str) and client:
            found[client[0].lower() + client[1:]] = name
    return found


def _path_parameters(spec: types.ArmSpec, file: str) -> list[dict[str, Any]]:
    """The path parameters of the PUT: the operation's in the spec, else the ones the entry names;
    any other `{name}` of the path is at least required."""
    operation = _load(file).get("paths", {}).get(spec.put_path, {}).get("put")
    listed = operation["parameters"] if operation else [{"$ref": ref} for ref in spec.parameters]
    # (the api-version and the subscription are not inputs; some extracts do not carry their definitions)
    resolved = (_lookup(file, p) if "$ref" in p else p for p in listed
                if not p.get("$ref", "").endswith(("ApiVersionParameter", "SubscriptionIdParameter")))
    parameters = [p for p in resolved if p["in"] == "path"]
    names = {p["name"] for p in parameters}
    return parameters + [_resource_group() if name == "resourceGroupName" else {"name": name, "in": "path"}
                         for name in _placeholders(spec.put_path) if name not in names]


def _resource_group() -> dict[str, Any]:
    """ARM's rule for resource group names (common types v3), for extracts that do not name one of their own."""
    return _lookup(os.path.join(SPEC_ROOT, "common-types", "resource-management", "v3", "types.json"),
                   {"$ref": "#/parameters/ResourceGroupNameParameter"})


def _placeholders(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{") and part.endswith("}")]


def body_problems(body: dict[str, Any], ref: str, file: str = SPEC) -> list[str]:
    """`body` against the schema at `ref` (relative to the spec file, e.g. `#/definitions/Deployment`)."""
    schema = {"$ref": _uri(file) + ref}
    validator = SwaggerValidator(schema, registry=_registry())
    found = [f"{_pointer(tuple(error.absolute_path))}: {error.message}" for error in validator.iter_errors(body)]
    return found + list(_walk(body, schema, _registry().resolver(), ()))


def _additional_properties(validator: Any, additional: Any, instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
    """Swagger's `additionalProperties: false` admits what a definition inherits (`allOf`) and what
    its subtypes add (draft 4 would refuse both): `_walk` reports undeclared keys, knowing them."""
    if additional is not False:
        yield from _DRAFT4_ADDITIONAL(validator, additional, instance, schema)


_DRAFT4_ADDITIONAL = Draft4Validator.VALIDATORS["additionalProperties"]


def _discriminator(validator: Any, discriminator: str, instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
    """Swagger's `discriminator`: the subtype its value names must hold too."""
    subtype = _subtype(schema, instance)
    if subtype is not None:
        yield from validator.descend(instance, subtype)


SwaggerValidator = validators.extend(Draft4Validator, {"additionalProperties": _additional_properties,
                                                       "discriminator": _discriminator})


@lru_cache(maxsize=None)
def _subtypes() -> dict[int, tuple[str, dict[str, dict[str, Any]]]]:
    """Each definition with a `discriminator` (by identity), with its subtypes by discriminator value,
    each less its `allOf` reference to the base (so that checking one does not come back to it)."""
    found: dict[int, tuple[str, dict[str, dict[str, Any]]]] = {}
    for file in {entry.arm.file for entry in types.TABLE}:
        definitions = _resource(_uri(os.path.join(SPEC_ROOT, file))).contents.get("definitions", {})
        for name, base in definitions.items():
            if "discriminator" not in base:
                continue
            ref = f"#/definitions/{name}"
            found[id(base)] = (base["discriminator"], {
                sub.get("x-ms-discriminator-value", sub_name): {**sub, "allOf": [a for a in sub["allOf"] if a.get("$ref") != ref]}
                for sub_name, sub in definitions.items() if any(a.get("$ref") == ref for a in sub.get("allOf", []))})
    return found


def _subtype(schema: dict[str, Any], instance: Any) -> dict[str, Any] | None:
    known = _subtypes().get(id(schema))
    if known is None or not isinstance(instance, dict):
        return None
    discriminator, subtypes = known
    return subtypes.get(instance.get(discriminator))


def to_wire(inputs: dict[str, Any]) -> dict[str, Any]:
    """The inputs as azure-native puts them on the wire.

    Pulumi carries every number as a double, which the provider writes as JSON `15`, not
    `15.0`; and it takes `identity.userAssignedIdentities` as a list of resource ids where ARM
    wants a map from id to `{}`.
    """
    wire = _numbers(inputs)
    identity = wire.get("identity")
    if isinstance(identity, dict) and isinstance(identity.get("userAssignedIdentities"), list):
        identity["userAssignedIdentities"] = {id_: {} for id_ in identity["userAssignedIdentities"]}
    return wire


def _path_problems(parameter: dict[str, Any], value: Any) -> list[str]:
    name = parameter["name"]
    if value is None:
        return [] if name == "subscriptionId" else [f"{name}: required path parameter not set"]
    rules = {key: parameter[key] for key in ("type", "pattern", "minLength", "maxLength", "enum") if key in parameter}
    return [f"{name} (path): {error.message}" for error in Draft4Validator(rules).iter_errors(value)]


def _walk(value: Any, schema: dict[str, Any], resolver: Resolver, path: tuple[Any, ...]) -> Iterator[str]:
    """Read-only and undeclared keys in `value`, through `$ref`, `allOf`, `items` and `additionalProperties`."""
    schema, resolver = _follow(schema, resolver)
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            yield from _walk(item, schema["items"], resolver, path + (index,))
    if not isinstance(value, dict):
        return
    declared = dict(_properties(schema, resolver))
    subtype = _subtype(schema, value)
    if subtype is not None:
        declared.update(_properties(subtype, resolver))
    additional = schema.get("additionalProperties")
    if not declared and additional is None:
        return  # a free-form object
    for key, item in value.items():
        where = _pointer(path + (key,))
        if key in declared:
            subschema, subresolver = declared[key]
            if _read_only(subschema, subresolver):
                yield f"{where}: read-only property sent"
            else:
                yield from _walk(item, subschema, subresolver, path + (key,))
        elif isinstance(additional, dict):
            yield from _walk(item, additional, resolver, path + (key,))
        elif additional is not True:
            yield f"{where}: not a property of the spec (it has: {', '.join(sorted(declared))})"


def _properties(schema: dict[str, Any], resolver: Resolver) -> Iterator[tuple[str, tuple[dict[str, Any], Resolver]]]:
    """The declared properties of `schema`, its `allOf` parents' first so that its own win."""
    for parent in schema.get("allOf", []):
        yield from _properties(*_follow(parent, resolver))
    for name, subschema in schema.get("properties", {}).items():
        yield name, (subschema, resolver)


def _read_only(schema: dict[str, Any], resolver: Resolver) -> bool:
    """Marked read-only beside its `$ref` (where draft 4 ignores it) or in the definition it refers to."""
    return bool(schema.get("readOnly") or _follow(schema, resolver)[0].get("readOnly"))


def _follow(schema: dict[str, Any], resolver: Resolver) -> tuple[dict[str, Any], Resolver]:
    while "$ref" in schema:
        resolved = resolver.lookup(schema["$ref"])
        schema, resolver = resolved.contents, resolved.resolver
    return schema, resolver


def _lookup(file: str, reference: dict[str, Any]) -> dict[str, Any]:
    """A `{"$ref": ...}` of the spec file (such as a shared parameter), resolved."""
    return _registry().resolver(_uri(file)).lookup(reference["$ref"]).contents


def _numbers(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_numbers(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@lru_cache(maxsize=None)
def _load(file: str) -> dict[str, Any]:
    with open(file, encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=None)
def _registry() -> Registry:
    """Spec files by `file:` URI, each read once, when a `$ref` first reaches it."""
    return Registry(retrieve=_resource)


@lru_cache(maxsize=None)
def _resource(uri: str) -> Resource:
    with open(url2pathname(urlparse(uri).path), encoding="utf-8") as handle:
        return Resource.from_contents(json.load(handle), default_specification=DRAFT4)


def _uri(path: str) -> str:
    return Path(path).resolve().as_uri()


def _pointer(path: tuple[Any, ...]) -> str:
    return "/" + "/".join(str(part) for part in path) if path else "(body)"
