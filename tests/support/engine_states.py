"""The resources of a recorded program as the Pulumi engine hands them to a policy pack, in each
of the four states the pack must read (policy-pack-protocol.md, "What outputs look like"):

- `inputs`: what `Analyze` gets, the registered inputs (what the mock engine records);
- `create`: the outputs `AnalyzeStack` gets during `pulumi preview` of a new resource;
- `update`: the same for a resource with a pending update (its `name` kept from state);
- `applied`: the outputs after `pulumi up`.

Outputs follow pulumi-azure-native's `previewOutputs`: every property of the response type,
an input keeping its value, every other property unknown during preview; the input-only path
parameters (account, deployment, policy names; the generic resource's namespace, type, parent
path, name and API version) never appear; `name` and `id` are unknown during a create. The
path parameters and the response properties come from the vendored ARM specs
(tests/data/arm-spec): the PUT operation's path template and its 200 response definition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterator

from foundry_estate.azure import resource_types as types
from foundry_estate.preview.engine import SUBSCRIPTION, UNKNOWN, Graph, Registration
from support.arm_spec import SPEC_ROOT, _follow, _load, _placeholders, _properties, _registry, _uri

STATES = ("inputs", "create", "update", "applied")
GENERIC = types.GENERIC
# Inputs of a type that are neither path parameters nor body: the generic resource's `api-version`.
_QUERY_INPUTS = {GENERIC: ("apiVersion",)}


@dataclass(frozen=True)
class EngineResource:
    """One resource as the engine describes it to an analyzer."""

    type: str
    urn: str
    name: str
    parent: str
    custom: bool
    protect: bool
    props: dict[str, Any]
    dependencies: tuple[str, ...] = ()
    property_dependencies: dict[str, tuple[str, ...]] = field(default_factory=dict)


def engine_view(graph: Graph, state: str) -> list[EngineResource]:
    """Every resource of `graph` as the engine shows it in `state` (a component's properties
    are its registered outputs, which the kit's guardrails never read: left empty here)."""
    assert state in STATES, state
    by_urn = graph.by_urn()
    return [EngineResource(r.type, r.urn, r.name, r.parent, r.custom, r.protect,
                           shaped(r, state, by_urn) if r.custom else {},
                           tuple(r.dependencies), _property_dependencies(r, by_urn))
            for r in graph.resources]


def shaped(registration: Registration, state: str, by_urn: dict[str, Registration] | None = None) -> dict[str, Any]:
    inputs = registration.inputs
    if state == "inputs":
        return dict(inputs)
    hidden = path_parameters(registration.type)
    outputs = {key: value for key, value in inputs.items() if key not in hidden}
    response = response_properties(registration.type)
    if state == "applied":
        outputs.update(name=registration.azure_name or registration.name, id=_arm_id(registration, by_urn or {}))
        if registration.type == GENERIC:
            outputs["type"] = f"{inputs['resourceProviderNamespace']}/{inputs['parentResourcePath'].split('/')[0]}/" \
                              f"{inputs['resourceType']}"
        return outputs
    for key, nested in response.items():
        if key not in outputs:
            outputs[key] = UNKNOWN
        elif nested and isinstance(outputs[key], dict):
            outputs[key] = {**{inner: UNKNOWN for inner in nested}, **outputs[key]}
    outputs["id"] = UNKNOWN
    outputs["name"] = (registration.azure_name or registration.name) if state == "update" else UNKNOWN
    return outputs


@lru_cache(maxsize=None)
def path_parameters(type_: str) -> frozenset[str]:
    """The inputs that are path parameters of the type's PUT (never among its outputs), from its
    entry in the type table (a diagnostic setting's `name` is both path and response)."""
    entry = types.of(type_)
    if entry is None:
        return frozenset()
    return frozenset(_placeholders(entry.arm.put_path)) - {"subscriptionId"} | set(_QUERY_INPUTS.get(type_, ()))


@lru_cache(maxsize=None)
def response_properties(type_: str) -> dict[str, tuple[str, ...]]:
    """The top-level properties of the type's PUT response, each with the properties of its
    `properties` bag (one level down), as the spec declares them."""
    entry = types.of(type_)
    if entry is None:
        return {}
    spec_file = f"{SPEC_ROOT}/{entry.arm.file}"
    put = _load(spec_file).get("paths", {}).get(entry.arm.put_path, {}).get("put")
    # the operation's 200 response; an extract without it: the body (ARM answers a PUT with the resource)
    ref = put["responses"]["200"]["schema"]["$ref"] if put and "responses" in put else entry.arm.body
    schema, resolver = _follow({"$ref": _uri(spec_file) + ref}, _registry().resolver())
    found: dict[str, tuple[str, ...]] = {}
    for name, (subschema, subresolver) in _properties(schema, resolver):
        found[name] = tuple(key for key, _ in _properties(*_follow(subschema, subresolver))) if name == "properties" else ()
    return found


def _arm_id(registration: Registration, by_urn: dict[str, Registration]) -> str:
    """The id Azure gives the resource: its PUT path with the inputs filled in."""
    entry = types.of(registration.type)
    values = {"subscriptionId": SUBSCRIPTION, **registration.inputs}
    if entry is None:
        return f"/subscriptions/{SUBSCRIPTION}/providers/{registration.type.split(':')[1]}/{registration.name}"
    path = re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), "")).strip("/"), entry.arm.put_path)
    return path if path.startswith("/subscriptions/") else "/" + path.lstrip("/")


def _property_dependencies(registration: Registration, by_urn: dict[str, Registration]) -> dict[str, tuple[str, ...]]:
    """Which resource each input came from. The mock engine records dependencies, not per
    property; a property holding another resource's id or name depends on that resource."""
    found: dict[str, tuple[str, ...]] = {}
    for key, value in registration.inputs.items():
        urns = tuple(urn for urn in registration.dependencies if urn in by_urn and _mentions(value, by_urn[urn]))
        if urns:
            found[key] = urns
    return found


def _mentions(value: Any, other: Registration) -> bool:
    names = {other.azure_name, f"/providers/{other.type.split(':')[1]}/{other.azure_name}"} - {None}
    return any(isinstance(text, str) and (text == other.azure_name or any(n in text for n in names if n.startswith("/")))
               for text in _strings(value))


def _strings(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    else:
        yield value
