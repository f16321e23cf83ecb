"""The engine's comparison: what pulumi-azure-native reads back from an ARM body, and how Pulumi
compares that with the program's inputs. `import`, the plan of an adopted stack and `drift` all
ask this module, so the three cannot disagree with each other or with `pulumi up`.

Reading back (`read_back`), as the provider's `Read` does when Pulumi imports a resource
(pulumi-azure-native, provider/pkg/convert/responseToSdkInputs.go, `ResponseToSdkInputs`, and
bodyPropertiesToSdk.go, convertPropValue.go):
- the PUT's path parameters, parsed from the ARM id (the subscription is the provider's setting);
- the body's properties that the *request* type declares, in the SDK's names (`x-ms-client-name`)
  and shapes (`x-ms-client-flatten` lifts an object's properties up a level): read-only ones are
  not read, nor the top-level `id`; a map whose values have no writable property (user-assigned
  identities) becomes the list of its keys;
- empty maps and arrays dropped, recursively (`removeEmptyCollections`); `null` values skipped.
What each type's request declares is derived from the vendored ARM specs into read_back.json
(tests/support/read_back.py derives it; tests/test_read_back.py holds the two equal).

Comparing (`compare`), as the engine does after an import since Pulumi 3.174.0
(pulumi/pulumi#19339: pkg/resource/deploy/step_generator.go, `continueStepsFromImport`, which
diffs the program's inputs against what `Read` returned; the diff is azure-native's
provider/pkg/provider/diff.go over sdk/go/common/resource/properties_diff.go):
- key by key, both ways: a key only Azure holds is a removal (the first `up` removes it), a key
  only the program sets an addition, `null` the same as absent;
- lists by position (an element moved is a change at its index);
- a top-level `location` equal up to case and spaces is no change (`applyAzureSpecificDiff`);
- `ignore_changes` paths are copied from what was read first (`processIgnoreChanges`);
- a changed path parameter or create-only property replaces the resource (the type table's
  `replace_on_change`, derived from the specs as azure-native derives it): while the `import`
  option is set, Pulumi refuses that ("previously-imported resources that still specify an ID
  may not be replaced", step_generator.go).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any, Iterator

from foundry_estate.azure import resource_types as types


class _Absent:
    def __repr__(self) -> str:
        return "(not set)"


ABSENT: Any = _Absent()  # a property one side does not hold

CHANGED, ADDED, REMOVED = "changed", "added", "removed"
# Why Pulumi refuses to replace an adopted resource (pkg/resource/deploy/step_generator.go).
IMPORT_REPLACEMENT = ("previously-imported resources that still specify an ID may not be replaced: Pulumi "
                      "stops the `up` (remove the `import` option, foundry-kit:adopt, to let it replace)")
# Path parameters that hold an ARM id or path of their own (more than one segment).
_MULTI_SEGMENT = ("scope", "resourceUri", "parentResourcePath")


@dataclass(frozen=True)
class Difference:
    """One property where the program's inputs differ from what azure-native reads back."""

    path: str  # in the SDK's names: `tags.owner`, `properties.networkAcls.ipRules[0].value`
    azure: Any  # ABSENT: Azure does not hold it
    manifest: Any  # ABSENT: the program does not set it
    replaces: bool = False  # the change makes azure-native replace the resource

    @property
    def kind(self) -> str:
        return ADDED if self.azure is ABSENT else REMOVED if self.manifest is ABSENT else CHANGED

    def __str__(self) -> str:
        if self.manifest is ABSENT:
            return f"{self.path}: {said(self.azure)} in Azure → not set in the manifest (the update removes it)"
        if self.azure is ABSENT:
            return f"{self.path}: not set in Azure → {said(self.manifest)} in the manifest"
        return f"{self.path}: {said(self.azure)} in Azure → {said(self.manifest)} in the manifest"


def said(value: Any) -> str:
    """A value as the diff's words quote it: strings in single quotes, the rest as JSON."""
    if isinstance(value, str):
        return f"'{value}'"
    return json.dumps(value, sort_keys=True, separators=(", ", ": "))


@lru_cache(maxsize=1)
def _rules() -> dict[str, Any]:
    table: dict[str, Any] = json.loads(files("foundry_estate.azure").joinpath("read_back.json").read_text(encoding="utf-8"))
    return table["types"]


def path_parameters(token: str) -> tuple[str, ...]:
    return tuple(_rules()[token]["path"])


def read_back(token: str, resource_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """The inputs azure-native's `Read` returns for the ARM `body` of the resource at `resource_id`."""
    rule = _rules()[token]
    inputs: dict[str, Any] = dict(parse_id(token, resource_id))
    for name, value in _object(rule["body"]["object"], body).items():
        if name == "id":
            continue
        kept = _without_empty(value)
        if kept is not None:
            inputs[name] = kept
    return inputs


@lru_cache(maxsize=None)
def _id_pattern(token: str) -> re.Pattern[str]:
    template = types.BY_TOKEN[token].arm.put_path
    pattern = ""
    for literal, name in re.findall(r"([^{]*)(?:{(\w+)})?", template):
        pattern += re.escape(literal)
        if name:
            group = name if name != "subscriptionId" else "_subscription"
            pattern += f"(?P<{group}>.+?)" if name in _MULTI_SEGMENT else f"(?P<{group}>[^/]+)"
    return re.compile(f"^{pattern}$", re.IGNORECASE)


def parse_id(token: str, resource_id: str) -> dict[str, str]:
    """The path parameters of the resource at `resource_id`, in the SDK's names."""
    match = _id_pattern(token).match(resource_id)
    if match is None:
        raise ValueError(f"{resource_id} is not the id of a {types.BY_TOKEN[token].kind} "
                         f"({types.BY_TOKEN[token].arm.put_path})")
    found = {name: value for name, value in match.groupdict().items() if not name.startswith("_")}
    for name in ("scope", "resourceUri"):  # an ARM id keeps its leading slash
        if name in found:
            found[name] = "/" + found[name].lstrip("/")
    return {name: found[name] for name in path_parameters(token) if name in found}


def _object(declared: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, entry in declared.items():
        shape, sdk, containers = entry, name, ()
        if isinstance(entry, dict) and "shape" in entry:
            shape, sdk, containers = entry["shape"], entry.get("sdk", name), entry.get("in", ())
        values: Any = body
        container: str
        for container in containers:
            inner = values.get(container) if isinstance(values, dict) else None
            if not isinstance(inner, dict):
                break
            values = inner
        if isinstance(values, dict) and values.get(name) is not None:
            result[sdk] = _value(shape, values[name])
    return result


def _value(shape: Any, value: Any) -> Any:
    if shape is None:
        return value
    if "object" in shape and isinstance(value, dict):
        return _object(shape["object"], value)
    if "array" in shape and isinstance(value, list):
        return [_value(shape["array"], item) for item in value]
    if "map" in shape and isinstance(value, dict):
        return {key: _value(shape["map"], item) for key, item in value.items()}
    if "set" in shape and isinstance(value, dict):
        # Go's map order is random: the kit reads the keys sorted and compares them as a set.
        return sorted(value)
    return value


def _without_empty(value: Any) -> Any:
    """`removeEmptyCollections`: None for a map or array left with no values."""
    if isinstance(value, dict):
        kept = {key: item for key, item in ((k, _without_empty(v)) for k, v in value.items()) if item is not None}
        return kept or None
    if isinstance(value, list):
        items = [item for item in (_without_empty(v) for v in value) if item is not None]
        return items or None
    return value


def compare(token: str, read: dict[str, Any], declared: dict[str, Any],
            ignore: tuple[str, ...] = ()) -> tuple[Difference, ...]:
    """Where the program's `declared` inputs differ from the `read` ones, as Pulumi diffs them
    after an import; `ignore`: the resource's `ignore_changes` paths."""
    entry = types.BY_TOKEN.get(token)
    replacing = entry.replace_on_change if entry else ()
    sets = _set_paths(token)
    found = []
    for path, azure, manifest in _diff(_drop(read, ignore), _drop(declared, ignore), "", sets):
        if path == "location" and isinstance(azure, str) and isinstance(manifest, str) \
                and _region(azure) == _region(manifest):
            continue
        found.append(Difference(path, azure, manifest, _replaces(path, replacing)))
    return tuple(found)


def _region(location: str) -> str:
    return location.replace(" ", "").lower()


def _replaces(path: str, replacing: tuple[str, ...]) -> bool:
    plain = re.sub(r"\[\d+\]", "", path)
    return any(plain == key or plain.startswith(key + ".") for key in replacing)


@lru_cache(maxsize=None)
def _set_paths(token: str) -> frozenset[str]:
    """The SDK paths the provider reads as string sets (compared without regard to order)."""
    found: set[str] = set()

    def walk(shape: Any, path: str) -> None:
        if not isinstance(shape, dict):
            return
        if "set" in shape:
            found.add(path)
        for name, entry in (shape.get("object") or {}).items():
            inner, sdk = entry, name
            if isinstance(entry, dict) and "shape" in entry:
                inner, sdk = entry["shape"], entry.get("sdk", name)
            walk(inner, f"{path}.{sdk}" if path else sdk)

    walk(_rules()[token]["body"], "") if token in _rules() else None
    return frozenset(found)


def _drop(inputs: dict[str, Any], paths: tuple[str, ...]) -> dict[str, Any]:
    if not paths:
        return inputs
    result = dict(inputs)
    for path in paths:
        head, _, rest = path.partition(".")
        if head in result:
            if rest and isinstance(result[head], dict):
                result[head] = _drop(result[head], (rest,))
            elif not rest:
                del result[head]
    return result


def _diff(old: Any, new: Any, path: str, sets: frozenset[str]) -> Iterator[tuple[str, Any, Any]]:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in list(old) + [k for k in new if k not in old]:
            inner = f"{path}.{key}" if path else key
            before, after = old.get(key), new.get(key)
            if before is None and after is None:
                continue
            if before is None or after is None:
                yield inner, ABSENT if before is None else before, ABSENT if after is None else after
            else:
                yield from _diff(before, after, inner, sets)
        return
    if isinstance(old, list) and isinstance(new, list):
        if path in sets:
            if sorted(map(str, old)) != sorted(map(str, new)):
                yield path, old, new
            return
        for index in range(max(len(old), len(new))):
            inner = f"{path}[{index}]"
            if index >= len(old):
                yield inner, ABSENT, new[index]
            elif index >= len(new):
                yield inner, old[index], ABSENT
            else:
                yield from _diff(old[index], new[index], inner, sets)
        return
    if not _same(old, new):
        yield path, old, new


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return bool(a == b)
