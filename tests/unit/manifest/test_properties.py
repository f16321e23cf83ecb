"""Property-based tests: whatever a user writes, the kit answers with a `KitError` or a manifest.

The contract under test (see `foundry_estate/errors.py`): every failure a user can cause is a
`KitError` whose problems each point at a real place, a 1-based line and column in the
file the user named or in a file that file `extends`. Anything else that escapes
`load` / `validate` is a bug in the kit.

Inputs, from least to most structured:

1. random bytes, random text (invalid UTF-8, control characters, tabs), YAML-ish token
   soup, deep nesting, anchors/aliases and character-level mutations of the example files;
2. random YAML-able data (including data built from the schema's own vocabulary), dumped
   with PyYAML;
3. structural mutations of the resolved example manifests (stacks/dev.yaml,
   stacks/prod.yaml), standalone and as an overlay that still `extends: common.yaml`;
   plus the round trip: example data dumped back validates, to an equal `Manifest`,
   whatever the order of mapping keys (and of list entries, which the typed manifest
   documents as canonical too).

Every crash these properties found is pinned, one minimal input each, at the end of this
file.
"""

from __future__ import annotations

import copy
import json
import math
import os
import random
import shutil
import tempfile
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foundry_estate.errors import KitError
from foundry_estate.manifest.loader import load
from foundry_estate.manifest.model import Manifest
from foundry_estate.validate import Validated, load_manifest, validate
from support.examples import REPO
from support.today import PINNED

STACKS = REPO / "stacks"
EXAMPLES = ("dev", "prod")
SCHEMA = json.loads((REPO / "schemas" / "manifest.schema.json").read_text(encoding="utf-8"))

# Under the project's pytest config (filterwarnings = error) a warning that leaks out of the
# kit (e.g. re's FutureWarning on a user regex) fails a property just like an exception.


# --------------------------------------------------------------------------------------
# The contract
# --------------------------------------------------------------------------------------

@contextmanager
def scratch_dir() -> Iterator[Path]:
    """A fresh directory per example, so no example can see another's files."""
    directory = tempfile.mkdtemp(prefix="foundry-kit-prop-")
    try:
        yield Path(directory)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def write(path: Path, content: bytes | str) -> str:
    raw = content.encode("utf-8") if isinstance(content, str) else content
    with open(path, "wb") as handle:
        handle.write(raw)
    return str(path)


def _extends_targets(path: str) -> list[str]:
    """The `extends` values a file writes, read at YAML node level (no value construction).

    Used only to know which files a problem may legitimately name. Reads the top-level
    mapping and the mappings it merges with `<<`; any failure means "follows nothing"
    (the kit then fails on the same file, so its problems name that file).
    """
    try:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8-sig")
    except Exception:  # noqa: BLE001 - anything unreadable follows nothing
        return []
    root = None
    # As the kit parses: libyaml, and where libyaml refuses, PyYAML's own parser (which
    # accepts a few documents libyaml does not, e.g. `{format:, name: x}`).
    for loader in (getattr(yaml, "CSafeLoader", yaml.SafeLoader), yaml.SafeLoader):
        try:
            root = yaml.compose(text, Loader=loader)
            break
        except Exception:  # noqa: BLE001 - anything unreadable follows nothing
            continue
    targets: list[str] = []
    todo, seen = [root], set()
    while todo:
        node = todo.pop()
        if not isinstance(node, yaml.MappingNode) or id(node) in seen:
            continue
        seen.add(id(node))
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "extends" and isinstance(value, yaml.ScalarNode):
                targets.append(value.value)
            elif key.tag == "tag:yaml.org,2002:merge":
                todo.extend(value.value if isinstance(value, yaml.SequenceNode) else [value])
    return targets


def allowed_files(path: str) -> set[str]:
    """The input file and every file reachable from it through `extends`."""
    allowed, todo = {path}, [path]
    while todo:
        current = todo.pop()
        for target in _extends_targets(current):
            if not target or "\0" in target:
                continue
            base = os.path.normpath(os.path.join(os.path.dirname(current), target))
            if base not in allowed and os.path.isfile(base):
                allowed.add(base)
                todo.append(base)
    return allowed


def assert_positioned(problems: tuple, path: str) -> None:
    files = allowed_files(path) if any(p.position.file != path for p in problems) else {path}
    for problem in problems:
        position = problem.position
        assert isinstance(position.line, int) and position.line >= 1, problem
        assert isinstance(position.column, int) and position.column >= 1, problem
        assert position.file in files, (problem, files)
        assert problem.severity in ("error", "warning"), problem
        assert isinstance(problem.message, str) and problem.message, problem


def check_contract(path: str) -> Validated | None:
    """Load and validate `path`; only `KitError` may escape, and it must be well positioned.

    Returns the validated manifest, or None when the input was (correctly) refused.
    """
    try:
        result = validate(load(path), PINNED)
    except KitError as error:
        assert error.problems, "a KitError must carry at least one problem"
        assert any(p.severity == "error" for p in error.problems), error
        assert_positioned(error.problems, path)
        return None
    assert isinstance(result, Validated)
    assert isinstance(result.manifest, Manifest)
    assert all(p.severity == "warning" for p in result.warnings), result.warnings
    assert_positioned(result.warnings, path)
    return result


def check_text(content: bytes | str, name: str = "manifest.yaml") -> Validated | None:
    with scratch_dir() as directory:
        return check_contract(write(directory / name, content))


# --------------------------------------------------------------------------------------
# Dumping data as YAML (hand-written, no hypothesis-jsonschema)
# --------------------------------------------------------------------------------------

class RawInt(str):
    """An integer literal written verbatim (e.g. 4,400 decimal digits, which Python
    refuses to convert with str() by default, or '0x_')."""


class Dumper(yaml.SafeDumper):
    pass


def _represent_int(dumper: yaml.SafeDumper, value: int) -> yaml.ScalarNode:
    if value.bit_length() > 10_000:  # str() would pass Python's 4,300-digit limit: write hex
        return dumper.represent_scalar("tag:yaml.org,2002:int", hex(value))
    return dumper.represent_int(value)


Dumper.add_representer(int, _represent_int)
Dumper.add_representer(RawInt, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:int", str(value)))


def dump(data: Any, style: dict[str, Any] | None = None) -> str:
    return yaml.dump(data, Dumper=Dumper, sort_keys=False, **(style or {}))


dump_styles = st.fixed_dictionaries({
    "default_flow_style": st.sampled_from([False, True, None]),
    "allow_unicode": st.booleans(),
    "indent": st.integers(2, 6),
    "width": st.sampled_from([20, 80, 10_000]),
    "explicit_start": st.booleans(),
})


# --------------------------------------------------------------------------------------
# Strategies
# --------------------------------------------------------------------------------------

def _schema_vocabulary() -> tuple[list[str], list[str]]:
    keys: set[str] = set()
    values: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "properties" and isinstance(value, dict):
                    keys.update(value)
                if key in ("enum", "examples") and isinstance(value, list):
                    values.update(str(v) for v in value)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(SCHEMA)
    return sorted(keys), sorted(values)


SCHEMA_KEYS, SCHEMA_VALUES = _schema_vocabulary()
EXAMPLE_NAMES = ["core", "sweden", "strict", "standard", "banned-terms", "grok-3", "grok-3-mini", "chat-default",
                 "chat-paygo", "playground", "gpt-4.1", "eastus2", "swedencentral", "aif-contoso-dev-eus2",
                 "11111111-2222-3333-4444-555555555555", "1", "2025-04-14", "common.yaml"]
ARM_IDS = [
    "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet",
    "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/privatelink.openai.azure.com",
    "/subscriptions/0/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law",
    "/subscriptions/0/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id",
    "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v",
]
TRICKY_STRINGS = [
    "", " ", "\t", "\n", "\r\n", "~", "null", "Null", "yes", "no", "on", "off", "y", "n", "True", "FALSE",
    "2025-04-14", "2025-13-45", "12:30:00", "0x_", "0b_", "0o7", "0777", "1_000", "1e400", "-.inf", ".nan",
    "1:30", "*a", "&a", "<<", "!!int", "!binary", "#", "- ", ": ", "? ", "{", "}", "[", "]", "'", '"', "|", ">",
    "---", "...", "%YAML 1.2", "\x00", "\x07", "\x1b[31m", "\x7f", "\x85", "\xa0", "\u2028", "\ufeff", "\ufffe",
    "é", "🙂", "a" * 300, "../common.yaml", "/etc", ".", "..", "Microsoft.Custom", "[[a]", "(?P<x", "a{2,1}",
    "10.0.0.0/33", "999.1.1.1", "1.2.3.4/8", "-", "--", "a-", "_a", "a" * 65,
]

odd_characters = st.characters(codec="utf-8")  # every code point but surrogates: controls included
odd_text = st.one_of(
    st.text(odd_characters, max_size=24),
    st.sampled_from(TRICKY_STRINGS),
    st.sampled_from(SCHEMA_VALUES + EXAMPLE_NAMES + ARM_IDS),
)
keys = st.one_of(st.sampled_from(SCHEMA_KEYS), odd_text)
numbers = st.one_of(
    st.integers(-(2 ** 70), 2 ** 70),
    st.sampled_from([0, 1, -1, 100_000, 100_001, 2 ** 31, 2 ** 63, -(2 ** 63), 10 ** 30]),
    st.floats(allow_nan=True, allow_infinity=True),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, odd_text)


def _containers(children: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(keys, children, max_size=5),
        # mapping keys of other types: YAML allows them, the kit must refuse or stringify
        st.dictionaries(st.one_of(st.integers(-5, 5), st.booleans(), st.none(), st.floats(allow_nan=False)),
                        children, max_size=3),
    )


yaml_data = st.recursive(scalars, _containers, max_leaves=30)

# Manifest-shaped data: the top-level keys the schema knows, over random values built from
# the schema's own vocabulary, so the cross-checks (not just the schema) see odd shapes.
vocab_scalars = st.one_of(st.none(), st.booleans(), numbers, st.sampled_from(SCHEMA_VALUES + EXAMPLE_NAMES + ARM_IDS),
                          st.sampled_from(TRICKY_STRINGS))
vocab_data = st.recursive(
    vocab_scalars,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.sampled_from(SCHEMA_KEYS + EXAMPLE_NAMES), children, max_size=5)),
    max_leaves=40,
)
manifest_shaped = st.fixed_dictionaries(
    {"version": st.one_of(st.just(1), vocab_scalars)},
    optional={key: vocab_data for key in SCHEMA["properties"] if key != "version"},
)

# YAML-ish "token soup": syntax fragments the loader has to survive.
YAML_TOKENS = [
    "\n", "\n", "\n  ", "\n    ", "  ", "\t", " ", "- ", ": ", ":", ", ", "? ", "{", "}", "[", "]", "'", '"', "\\",
    "#", "|", "|-", ">", "---\n", "...\n", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "&a ", "&b ", "*a", "*b",
    "<<: ", "<<: *a", "<<: [*a, *b]", "!!int ", "!!float ", "!!bool ", "!!null ", "!!str ", "!!binary ",
    "!!timestamp ", "!!set ", "!!omap ", "!!map ", "!!seq ", "!!python/object:os.system ", "!local ", "!<tag:x> ",
    "version", "version: 1\n", "extends", "extends: ", "accounts", "quotas", "limit", "location", "capacity",
    "blocklists", "items", "pattern", "regex: true", "name", "null", "~", "true", "yes", "off", "0x_", "0b_",
    "0x1F", "0o17", "017", "1_0", "1:30", "1e9", "1.5", ".inf", ".nan", "-0", "2025-04-14", "\"\\0\"",
    "\"\\x07\"", "\"\\u2028\"", "\x00", "\x07", "\x1b", "\x85", "\ufeff", "\u2028", "\ufffe", "\r", "\r\n",
]
token_soup = st.lists(st.one_of(st.sampled_from(YAML_TOKENS), st.text(odd_characters, max_size=4)),
                      max_size=40).map("".join)


@st.composite
def deep_nesting(draw: st.DrawFn) -> str:
    # shallow, or past the composer's recursion limit (pure-Python PyYAML: keep it cheap)
    depth = draw(st.one_of(st.integers(1, 40), st.sampled_from([300, 500])))
    shape = draw(st.sampled_from(["flow-seq", "flow-map", "block-map", "block-seq", "mixed"]))
    if shape == "flow-seq":
        body = "[" * depth + "1" + "]" * depth
    elif shape == "flow-map":
        body = "{a: " * depth + "1" + "}" * depth
    elif shape == "block-map":
        body = "".join(" " * i + "a:\n" for i in range(min(depth, 120))) + " " * min(depth, 120) + "b: 1\n"
    elif shape == "block-seq":
        body = "- " * depth + "1\n"
    else:
        body = "[{a: " * depth + "1" + "}]" * depth
    key = draw(st.sampled_from(["", "version: 1\naccounts: ", "version: 1\nquotas: ", "version: 1\ntags: {t: ",
                                "version: 1\nblocklists: {bl: {items: "]))
    closing = "}" * key.count("{")
    return key + body + closing + "\n"


@st.composite
def anchors_and_aliases(draw: st.DrawFn) -> str:
    """Small alias fans (the big 'billion laughs' is an explicit test), recursion, merges."""
    kind = draw(st.sampled_from(["fan", "recursive-seq", "recursive-map", "merge", "merge-self",
                                 "undefined", "alias-key", "alias-chain"]))
    if kind == "fan":
        levels, width = draw(st.integers(1, 6)), draw(st.integers(1, 4))
        lines = ["version: 1", "a0: &a0 [x]"]
        lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]" for i in range(1, levels)]
        return "\n".join(lines) + "\n"
    if kind == "recursive-seq":
        return "version: 1\naccounts: &a [*a]\n"
    if kind == "recursive-map":
        return "version: 1\naccounts: &a {k: *a}\n"
    if kind == "merge":
        source = draw(st.sampled_from(["{name: x}", "[1]", "1", "[*b]", "[{a: 1}, 2]"]))
        return f"version: 1\nb: &b {{location: eastus2}}\nbase: &a {source}\naccounts:\n  core:\n    <<: *a\n    name: acc\n"
    if kind == "merge-self":
        return "version: 1\naccounts: &a\n  <<: *a\n"
    if kind == "undefined":
        return "version: 1\naccounts: *nowhere\n"
    if kind == "alias-key":
        return draw(st.sampled_from(["&k version: 1\n*k : 2\n", "version: 1\n&k [a]: 1\n", "? &k {a: 1}\n: *k\n"]))
    depth = draw(st.one_of(st.integers(1, 40), st.sampled_from([400, 1000])))
    return "version: 1\na0: &a0 [1]\n" + "".join(f"a{i}: &a{i} [*a{i - 1}]\n" for i in range(1, depth))


# --------------------------------------------------------------------------------------
# The example manifests
# --------------------------------------------------------------------------------------

def example_path(name: str) -> str:
    return str(STACKS / f"{name}.yaml")


RESOLVED = {name: load(example_path(name)).data for name in EXAMPLES}
OVERLAY_TEXT = {name: (STACKS / f"{name}.yaml").read_text(encoding="utf-8") for name in EXAMPLES}
COMMON_TEXT = (STACKS / "common.yaml").read_text(encoding="utf-8")
OVERLAY = {name: yaml.safe_load(text) for name, text in OVERLAY_TEXT.items()}
COMMON = yaml.safe_load(COMMON_TEXT)
EXPECTED = {name: load_manifest(example_path(name), PINNED).manifest for name in EXAMPLES}

DataPath = tuple  # a path into plain data: keys and list indexes


def all_paths(data: Any, prefix: DataPath = ()) -> Iterator[DataPath]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield prefix + (key,)
            yield from all_paths(value, prefix + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield prefix + (index,)
            yield from all_paths(value, prefix + (index,))


def get(data: Any, path: DataPath) -> Any:
    for part in path:
        data = data[part]
    return data


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


HUGE_NUMBERS = [-1, 0, -100, -(2 ** 31), 2 ** 31, -(2 ** 63), 2 ** 63, 10 ** 20, 10 ** 100, 100_001,
                16 ** 3600, RawInt("9" * 4400), 1e308, -1e308, math.inf, -math.inf, math.nan, 0.5, -0.0, 20.0]
other_values = st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(keys, scalars, max_size=3))


@st.composite
def mutated(draw: st.DrawFn, data: Any) -> Any:
    """`data` after 1-3 random structural mutations."""
    data = copy.deepcopy(data)
    for _ in range(draw(st.integers(1, 3))):
        paths = list(all_paths(data))
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, last = get(data, path[:-1]), path[-1]
        old = parent[last]
        operation = draw(st.sampled_from(["delete", "retype", "rename", "duplicate", "null", "number"]))
        if operation == "delete":
            del parent[last]
        elif operation == "retype":
            parent[last] = draw(other_values.filter(lambda v: _type_name(v) != _type_name(old)))
        elif operation == "rename" and isinstance(parent, dict):
            new_key = draw(keys.filter(lambda k: k not in parent))
            parent[new_key] = parent.pop(last)
        elif operation == "duplicate":
            lists = [p for p in paths if isinstance(get(data, p), list) and get(data, p)]
            if lists:
                target = get(data, draw(st.sampled_from(lists)))
                target.insert(draw(st.integers(0, len(target))), copy.deepcopy(draw(st.sampled_from(target))))
        elif operation == "null":
            parent[last] = None
        elif operation == "number":
            numeric = [p for p in paths if isinstance(get(data, p), (int, float)) and not isinstance(get(data, p), bool)]
            target = draw(st.sampled_from(numeric)) if numeric else path
            container = get(data, target[:-1])
            container[target[-1]] = draw(st.sampled_from(HUGE_NUMBERS))
    return data


@st.composite
def mutated_text(draw: st.DrawFn, text: str) -> str:
    """`text` after 1-4 character/line-level edits: the typos people actually make."""
    for _ in range(draw(st.integers(1, 4))):
        lines = text.split("\n")
        operation = draw(st.sampled_from(["insert", "delete", "replace-line", "duplicate-line", "swap-lines",
                                          "indent", "dedent", "tab"]))
        index = draw(st.integers(0, len(lines) - 1))
        if operation == "insert":
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.one_of(st.sampled_from(YAML_TOKENS), st.text(odd_characters, max_size=5))) + text[at:]
            continue
        if operation == "delete":
            at = draw(st.integers(0, len(text)))
            text = text[:at] + text[at + draw(st.integers(1, 8)):]
            continue
        if operation == "replace-line":
            lines[index] = draw(token_soup)
        elif operation == "duplicate-line":
            lines.insert(index, lines[index])
        elif operation == "swap-lines":
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif operation == "indent":
            lines[index] = " " * draw(st.integers(1, 4)) + lines[index]
        elif operation == "dedent":
            lines[index] = lines[index].lstrip(" ")
        else:
            lines[index] = "\t" + lines[index]
        text = "\n".join(lines)
    return text


def shuffled(data: Any, rnd: random.Random, lists: bool = False) -> Any:
    """`data` with every mapping's keys (and, if `lists`, every list) in a random order."""
    if isinstance(data, dict):
        items = list(data.items())
        rnd.shuffle(items)
        return {key: shuffled(value, rnd, lists) for key, value in items}
    if isinstance(data, list):
        values = [shuffled(value, rnd, lists) for value in data]
        if lists:
            rnd.shuffle(values)
        return values
    return data


# --------------------------------------------------------------------------------------
# 1. Random bytes and text
# --------------------------------------------------------------------------------------

# One failure per property is enough to act on (the distinct crashes are pinned below), and
# shrinking several bugs at once over whole manifests takes minutes.
BASE = settings(deadline=None, report_multiple_bugs=False)


def examples(count: int) -> int:
    """`count` examples in the full suite; fewer in `make check`'s edit loop, whose hypothesis
    profile (tests/conftest.py) lowers the default of 100 examples, in the same proportion."""
    return max(10, count * settings.default.max_examples // 100)


FAST = settings(BASE, max_examples=examples(200))


@FAST
@given(st.one_of(st.binary(max_size=200),
                 st.binary(max_size=40).map(lambda b: b"version: 1\naccounts:\n  " + b)))
def test_random_bytes(raw: bytes) -> None:
    check_text(raw)


@FAST
@given(st.text(odd_characters, max_size=200),
       st.sampled_from(["", "\ufeff", "version: 1\n", "version: 1\naccounts:\n  core:\n    name: "]))
def test_random_text(text: str, prefix: str) -> None:
    check_text(prefix + text)


@settings(BASE, max_examples=examples(300))
@given(token_soup)
def test_yaml_token_soup(text: str) -> None:
    check_text(text)


@settings(BASE, max_examples=examples(40))
@given(deep_nesting())
def test_deep_nesting(text: str) -> None:
    check_text(text)


@settings(BASE, max_examples=examples(60))
@given(anchors_and_aliases())
def test_anchors_and_aliases(text: str) -> None:
    check_text(text)


@settings(BASE, max_examples=examples(200))
@given(st.sampled_from(EXAMPLES), st.data())
def test_mutated_example_text(name: str, data: st.DataObject) -> None:
    """Typos in the real files, next to a (sometimes also mistyped) common.yaml they extend."""
    overlay = data.draw(mutated_text(OVERLAY_TEXT[name]), label="overlay")
    common = data.draw(st.one_of(st.just(COMMON_TEXT), mutated_text(COMMON_TEXT)), label="common.yaml")
    with scratch_dir() as directory:
        write(directory / "common.yaml", common)
        check_contract(write(directory / f"{name}.yaml", overlay))


def test_billion_laughs_is_refused_with_a_position() -> None:
    lines = ["version: 1", "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    with scratch_dir() as directory:
        path = write(directory / "bomb.yaml", "\n".join(lines) + "\n")
        with pytest.raises(KitError) as error:
            validate(load(path), PINNED)
        assert "anchors and aliases" in str(error.value)
        assert_positioned(error.value.problems, path)


# --------------------------------------------------------------------------------------
# 2. Random YAML-able data
# --------------------------------------------------------------------------------------

@settings(BASE, max_examples=examples(200), suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(yaml_data, st.dictionaries(keys, yaml_data, max_size=6)), dump_styles)
def test_random_yaml_data(data: Any, style: dict[str, Any]) -> None:
    check_text(dump(data, style))


@settings(BASE, max_examples=examples(150), suppress_health_check=[HealthCheck.too_slow])
@given(manifest_shaped, dump_styles)
def test_manifest_shaped_data(data: dict[str, Any], style: dict[str, Any]) -> None:
    check_text(dump(data, style))


# --------------------------------------------------------------------------------------
# 3. Mutations of the example manifests, and the round trip
# --------------------------------------------------------------------------------------

@settings(BASE, max_examples=examples(150), suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(EXAMPLES), st.data(), dump_styles)
def test_mutated_examples(name: str, data: st.DataObject, style: dict[str, Any]) -> None:
    """The resolved example (extends already applied), mutated, as one standalone file."""
    manifest = data.draw(mutated(RESOLVED[name]), label="mutated manifest")
    check_text(dump(manifest, style), f"{name}.yaml")


@settings(BASE, max_examples=examples(120), suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(EXAMPLES), st.data())
def test_mutated_overlay_and_base(name: str, data: st.DataObject) -> None:
    """The example as written (`extends: common.yaml`), overlay and/or base mutated:
    problems may name the overlay or the base it extends, nothing else."""
    overlay, common = OVERLAY[name], COMMON
    which = data.draw(st.sampled_from(["overlay", "base", "both"]), label="mutate")
    if which in ("overlay", "both"):
        overlay = data.draw(mutated(overlay), label="overlay")
    if which in ("base", "both"):
        common = data.draw(mutated(common), label="common.yaml")
    with scratch_dir() as directory:
        write(directory / "common.yaml", dump(common))
        check_contract(write(directory / f"{name}.yaml", dump(overlay)))


def test_problem_in_the_base_names_the_base_file() -> None:
    """The positions check is not vacuous: a bad value in common.yaml is reported there."""
    common = copy.deepcopy(COMMON)
    common["contentFilters"]["strict"]["mode"] = "Sometimes"
    with scratch_dir() as directory:
        base = write(directory / "common.yaml", dump(common))
        path = write(directory / "dev.yaml", OVERLAY_TEXT["dev"])
        with pytest.raises(KitError) as error:
            validate(load(path), PINNED)
        assert [p.position.file for p in error.value.problems] == [base]
        assert_positioned(error.value.problems, path)
        with pytest.raises(AssertionError):
            assert_positioned(error.value.problems, str(directory / "elsewhere.yaml"))


@pytest.mark.parametrize("name", EXAMPLES)
def test_examples_round_trip(name: str) -> None:
    """The resolved example data, dumped and reloaded, validates to the same manifest."""
    with scratch_dir() as directory:
        result = check_contract(write(directory / f"{name}.yaml", dump(RESOLVED[name])))
    assert result is not None, "the unmutated example must validate"
    assert result.manifest == EXPECTED[name]


@settings(BASE, max_examples=examples(50))
@given(st.sampled_from(EXAMPLES), st.randoms(use_true_random=False), dump_styles)
def test_key_order_does_not_matter(name: str, rnd: random.Random, style: dict[str, Any]) -> None:
    """The typed manifest is canonical: reordering mapping keys changes nothing."""
    with scratch_dir() as directory:
        path = write(directory / f"{name}.yaml", dump(shuffled(RESOLVED[name], rnd), style))
        assert load_manifest(path, PINNED).manifest == EXPECTED[name]


@settings(BASE, max_examples=examples(50))
@given(st.sampled_from(EXAMPLES), st.randoms(use_true_random=False))
def test_list_order_does_not_matter(name: str, rnd: random.Random) -> None:
    """manifest.py promises more: list entries in any order give an equal manifest too."""
    with scratch_dir() as directory:
        path = write(directory / f"{name}.yaml", dump(shuffled(RESOLVED[name], rnd, lists=True)))
        assert load_manifest(path, PINNED).manifest == EXPECTED[name]


# --------------------------------------------------------------------------------------
# Regressions: minimal inputs that crashed the kit (something other than KitError escaped)
# at 756f916, each with what escaped and where. The kit is expected to refuse each with a
# positioned KitError (or accept it); if one fails again, that crash is back.
# --------------------------------------------------------------------------------------

REGRESSIONS = [
    # yaml.reader.ReaderError from _YamlLoader(text), built outside _parse's try (fixed in 756f916)
    pytest.param(b"\x00", id="nul-byte"),
    pytest.param(b"version: 1\x07\n", id="control-character"),
    # TypeError (unhashable list) in checks.check_quotas: requested.get((location, sku, model)) (fixed in 756f916)
    pytest.param(b"quotas: [{limit: 0, sku: []}]\n", id="quota-unhashable-sku"),
    # ValueError from PyYAML's construct_yaml_int: the 1.1 int resolver accepts '0x_'/'0b_', int('', 16) fails;
    # loader._Converter.scalar caught only ConstructorError
    pytest.param(b"0x_", id="implicit-int-0x_"),
    pytest.param(b"version: 0b_\n", id="implicit-int-0b_"),
    # explicit core tags on malformed scalars, same place: IndexError / ValueError / ValueError / KeyError /
    # AttributeError from construct_yaml_int / _int / _float / _bool / _timestamp
    pytest.param(b"!!int", id="tag-int-empty"),
    pytest.param(b"version: !!int a\n", id="tag-int"),
    pytest.param(b"version: !!float a\n", id="tag-float"),
    pytest.param(b"version: !!bool a\n", id="tag-bool"),
    pytest.param(b"version: !!timestamp a\n", id="tag-timestamp"),
    # ValueError: int() refuses > 4,300 decimal digits (sys.get_int_max_str_digits), in construct_yaml_int
    pytest.param(b"version: " + b"1" * 4301 + b"\n", id="int-over-4300-digits"),
    # a hex literal loads as an int of > 4,300 decimal digits, then ValueError wherever it becomes text:
    # json.dumps in schema._show, repr in jsonschema's messages, f-strings in the checks
    pytest.param(b"version: 0x" + b"f" * 3600 + b"\n", id="huge-hex-int"),
    # ValueError (embedded null byte) from os.path.realpath in loader._load_tree
    pytest.param(b'extends: "\\0"\n', id="extends-nul"),
    # TypeError: len(pe_name) in checks.check_unique_names (80-character check added in 756f916)
    pytest.param(b"accounts: {a: {name: acc, privateEndpoints: [{subnetId: a/b/c/d/e/f/g/h/i, name: 5}]}}\n",
                 id="private-endpoint-name-not-a-string"),
    # OverflowError from re.compile in checks.check_blocklists (only re.error was caught)
    pytest.param(b"blocklists: {bl: {items: [{pattern: 'a{4294967295}', regex: true}]}}\n", id="regex-overflow"),
    # RecursionError from re.compile, same place: 500 nested groups, 1,000 chars (within the schema's maxLength)
    pytest.param(b"blocklists: {bl: {items: [{pattern: '" + b"(" * 500 + b")" * 500 + b"', regex: true}]}}\n",
                 id="regex-recursion"),
]


@pytest.mark.parametrize("content", REGRESSIONS)
def test_regression_only_kit_errors(content: bytes) -> None:
    check_text(content)


def test_regression_regex_warning_does_not_escape() -> None:
    """re.compile('[[a]') emits FutureWarning ('Possible nested set'): it went to stderr in
    production and was raised under pytest's filterwarnings=error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_text(b"blocklists: {bl: {items: [{pattern: '[[a]', regex: true}]}}\n")


def test_regression_float_quota_is_enforced_or_refused() -> None:
    """Fixed in 756f916: jsonschema counted 5.0 as an integer and check_quotas skipped it."""
    manifest = {
        "version": 1, "location": "eastus2", "resourceGroup": {"name": "rg"},
        "quotas": [{"location": "eastus2", "sku": "GlobalStandard", "model": "m", "limit": 5.0}],
        "accounts": {"a": {"name": "acc1", "deployments": {"d1": {
            "model": {"format": "OpenAI", "name": "m", "version": "1"}, "sku": "GlobalStandard", "capacity": 200.0}}}},
    }
    assert check_text(dump(manifest)) is None, "capacity 200 over a limit of 5 must not validate"
