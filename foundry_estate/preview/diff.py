"""What changes in Azure between two plans of a stack: resource by resource, property by
property, with what Azure cannot change in place shown as a replacement.

Resources are matched by URN. The kit's URNs follow Azure names, so a renamed deployment
(or account, filter, blocklist, project) is a new URN: such a delete and create of one type
in one place are reported together as the replacement they are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from foundry_estate.azure import resource_types as types
from foundry_estate.preview.plan import Plan, PlannedResource
from foundry_estate.validate.quota import SharedUse

CREATE, UPDATE, REPLACE, DELETE = "create", "update", "replace", "delete"
IMPORT = "import"  # new in the stack, adopted from Azure (`foundry-kit:adopt`): nothing changes there
REPLACED_WITH = "options.replaceWith"  # why a resource whose inputs did not change is replaced
SYMBOLS = {CREATE: "+", UPDATE: "~", REPLACE: "+-", DELETE: "-", IMPORT: "="}


class _Absent:
    def __repr__(self) -> str:
        return "(none)"


ABSENT: Any = _Absent()  # a property one side does not have

# How list entries are identified, so a list Azure treats as a set diffs entry by entry.
_LIST_KEYS = (("name", "source"), ("blocklistName", "source"), ("categoryGroup",), ("category",), ("name",),
              ("value",), ("id",))


@dataclass(frozen=True)
class PropertyChange:
    path: str
    old: Any
    new: Any


@dataclass(frozen=True)
class ResourceChange:
    action: str
    old: PlannedResource | None
    new: PlannedResource | None
    properties: tuple[PropertyChange, ...] = ()
    replaced_because: tuple[str, ...] = ()  # the changed properties azure-native replaces the resource for
    refused: tuple[str, ...] = ()  # changed properties azure-native would update in place but Azure refuses

    @property
    def resource(self) -> PlannedResource:
        resource = self.new or self.old
        assert resource is not None
        return resource

    @property
    def destructive(self) -> bool:
        return self.action in (REPLACE, DELETE)

    @property
    def destructive_itself(self) -> bool:
        """Deleted or replaced for its own reasons, not only along with its account."""
        return self.action == DELETE or (self.action == REPLACE and self.replaced_because != (REPLACED_WITH,))


@dataclass(frozen=True)
class StackDiff:
    stack: str
    base: Plan | None  # None: the stack is new
    head: Plan | None  # None: the stack was removed from the repository
    changes: tuple[ResourceChange, ...]
    quotas: tuple[SharedUse, ...] = ()  # the head's quota use, added up with the stacks of its subscription
    unchanged: bool = False  # its inputs are identical on both sides, so neither was planned (base, head None)
    kit_unknown: bool = False  # the base's kit could not be had: what the kit change does is not in `changes`

    @property
    def destructive(self) -> bool:
        return any(change.destructive for change in self.changes)

    @property
    def added(self) -> bool:
        return self.base is None and not self.unchanged

    @property
    def removed(self) -> bool:
        return self.head is None and not self.unchanged

    @property
    def changed(self) -> bool:
        return bool(self.changes) or self.added or self.removed or self.kit_unknown

    @property
    def status(self) -> str:
        return "unchanged" if self.unchanged else "added" if self.added else "removed" if self.removed else "present"


def property_changes(old: Any, new: Any, path: str = "") -> list[PropertyChange]:
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        return [change for key in sorted(set(old) | set(new))
                for change in property_changes(old.get(key, ABSENT), new.get(key, ABSENT), _join(path, key))]
    key = _list_key(old, new)
    if key:
        before, after = _entries(old, key), _entries(new, key)
        return [change for ident in sorted(set(before) | set(after))
                for change in property_changes(before.get(ident, ABSENT), after.get(ident, ABSENT), f"{path}[{ident}]")]
    return [PropertyChange(path, old, new)]


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _list_key(old: Any, new: Any) -> tuple[str, ...] | None:
    if not (isinstance(old, list) and isinstance(new, list)):
        return None
    entries = old + new
    if not entries or not all(isinstance(entry, dict) for entry in entries):
        return None
    for key in _LIST_KEYS:
        if all(all(field in entry for field in key) for entry in entries) and \
                all(len(_entries(side, key)) == len(side) for side in (old, new)):
            return key
    return None


def _entries(entries: list[dict[str, Any]], key: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    return {" ".join(str(entry[field]) for field in key): entry for entry in entries}


def _forces_replacement(type_: str, path: str) -> bool:
    """Azure cannot change this input of this type in place (its `replace_on_change`)."""
    entry = types.of(type_)
    return entry is not None and \
        any(path == p or path.startswith((f"{p}.", f"{p}[")) for p in entry.replace_on_change)


def compare(old: PlannedResource, new: PlannedResource) -> ResourceChange | None:
    changes = property_changes(old.inputs, new.inputs)
    if old.protect != new.protect:
        changes.append(PropertyChange("options.protect", old.protect, new.protect))
    if not changes:
        return None
    forcing = tuple(c.path for c in changes if _forces_replacement(new.type, c.path))
    entry = types.of(new.type)
    refused = () if forcing or entry is None else tuple(c.path for c in changes if c.path in entry.refusals)
    return ResourceChange(REPLACE if forcing else UPDATE, old, new, tuple(changes), forcing, refused)


def diff_plans(stack: str, base: Plan | None, head: Plan | None) -> StackDiff:
    before = base.by_urn() if base else {}
    after = head.by_urn() if head else {}
    if head is None:  # removing a stack's files deletes nothing in Azure
        return StackDiff(stack, base, head, ())
    changes: list[ResourceChange] = []
    for urn in sorted(set(before) | set(after)):
        if urn not in before:
            changes.append(ResourceChange(IMPORT if after[urn].adopted else CREATE, None, after[urn]))
        elif urn not in after:
            changes.append(ResourceChange(DELETE, before[urn], None))
        elif (change := compare(before[urn], after[urn])) is not None:
            changes.append(change)
    return StackDiff(stack, base, head, tuple(_pair_renames(_replaced_with(changes, before, after))))


def _replaced_with(changes: list[ResourceChange], before: dict[str, PlannedResource],
                   after: dict[str, PlannedResource]) -> list[ResourceChange]:
    """What the engine replaces because a resource it is `replace_with` is replaced (an
    account's children when the account is)."""
    replaced = {c.resource.urn for c in changes if c.action == REPLACE}
    by_urn = {c.resource.urn: c for c in changes}
    for urn in sorted(set(before) & set(after)):
        resource = after[urn]
        if not replaced.intersection(resource.replace_with):
            continue
        change = by_urn.get(urn)
        if change is None or change.action == UPDATE:
            by_urn[urn] = ResourceChange(REPLACE, before[urn], resource, change.properties if change else (),
                                         (change.replaced_because if change else ()) + (REPLACED_WITH,))
    return [by_urn[urn] for urn in sorted(by_urn)]


def _renames(deletes: list[ResourceChange], creates: list[ResourceChange]) -> list[tuple[ResourceChange, ResourceChange]]:
    """Pairs that differ only in their name; then, if one of each is left, that pair."""
    pairs, creates = [], list(creates)
    for deleted in deletes:
        assert deleted.old is not None
        twin = next((c for c in creates if c.new is not None and deleted.old.azure_name is not None
                     and _renamed_copy(deleted.old, c.new)), None)
        if twin is not None:
            pairs.append((deleted, twin))
            creates.remove(twin)
    left = [d for d in deletes if all(d is not pair[0] for pair in pairs)]
    if len(left) == 1 and len(creates) == 1:
        pairs.append((left[0], creates[0]))
    return pairs


def _renamed_copy(old: PlannedResource, new: PlannedResource) -> bool:
    return {c.path for c in property_changes(old.inputs, new.inputs)} <= {types.azure_name_input(new.type)}


def _pair_renames(changes: list[ResourceChange]) -> list[ResourceChange]:
    """One delete and one create of a renamable type in the same place: a rename, so a replacement."""
    places: dict[tuple[Any, ...], dict[str, list[ResourceChange]]] = defaultdict(lambda: defaultdict(list))
    for change in changes:
        entry = types.of(change.resource.type)
        scope = entry.placement if entry else None
        if scope and change.action in (CREATE, DELETE):
            place = (change.resource.type, *(str(change.resource.inputs.get(key)) for key in scope))
            places[place][change.action].append(change)
    paired: dict[int, ResourceChange] = {}
    for actions in places.values():
        for deleted, created in _renames(actions[DELETE], actions[CREATE]):
            assert deleted.old is not None and created.new is not None
            properties = property_changes(deleted.old.inputs, created.new.inputs)
            forcing = tuple(c.path for c in properties if _forces_replacement(created.new.type, c.path))
            replacement = ResourceChange(REPLACE, deleted.old, created.new, tuple(properties), forcing)
            paired[id(deleted)], paired[id(created)] = replacement, replacement
    result: list[ResourceChange] = []
    seen: set[int] = set()
    for change in changes:
        replacement = paired.get(id(change), change)
        if id(replacement) not in seen:
            seen.add(id(replacement))
            result.append(replacement)
    return result
