"""The only code that knows YAML and files.

`load(path)` reads a manifest (following `extends`) and returns a `Document`: plain data
plus the file, line and column where each value was written. Everything a user can get
wrong here (not UTF-8, not YAML, not a mapping, duplicate keys, anchors that explode,
`extends` cycles) becomes a positioned `Problem` inside a `KitError`.

Scalars follow YAML 1.2's core schema rather than PyYAML's YAML 1.1 defaults: only
`true`/`false` are booleans (so a content-filter level `off` stays the string "off") and
dates stay strings (so `version: 2025-04-14` is the string Azure expects).
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, BinaryIO

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from foundry_estate.manifest.document import Document, Path
from foundry_estate.errors import KitError, Position, Problem
from foundry_estate.paths import find_root

MAX_ALIAS_EXPANSION = 100_000
"""Values that anchors and aliases may add to one file ("billion laughs" stops here)."""
MAX_FILE_BYTES = 32 * 1024 * 1024
"""The largest file the loader reads: 16,000 deployments take about 4 MB, so a larger file is
not a manifest someone wrote (and parsing it could exhaust memory)."""

_BOOL = "tag:yaml.org,2002:bool"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"
_MAP = "tag:yaml.org,2002:map"
_SCALAR_KINDS = {"tag:yaml.org,2002:int": "an integer", "tag:yaml.org,2002:float": "a number",
                 "tag:yaml.org,2002:bool": "true or false", _TIMESTAMP: "a date"}
_SEQ = "tag:yaml.org,2002:seq"
_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_DECIMAL = re.compile(r"^[1-9][0-9]{0,17}$|^0$")  # what PyYAML reads as a plain decimal (no sign, octal, '_' or ':')


class _YamlLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans and no implicit timestamps."""


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same, parsing with libyaml (in PyYAML's wheels): 4x faster on large manifests, the
    same nodes and marks. Its words for syntax errors differ, so those are reported by
    re-reading the file with `_YamlLoader`."""


for _loader in (_YamlLoader, _FastLoader):
    _loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL, _TIMESTAMP)]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


@dataclass(slots=True)
class _Node:
    value: Any  # dict[str, _Entry] | list[_Node] | scalar
    position: Position
    written: str | None = None  # a number's text as written ("0613" for 395): messages quote it


@dataclass(slots=True)
class _Entry:
    key_position: Position
    node: _Node


def load(path: str, text: str | None = None, root: str | None = None) -> Document:
    """Load the manifest at `path` (as the user wrote it: messages show this spelling); with
    `text`, that text as if it were the file at `path` (a manifest about to be written).
    `extends` may not leave `root`, the project's directory (`Project.confinement`)."""
    positions: dict[Path, Position] = {}
    key_positions: dict[Path, Position] = {}
    written: dict[Path, str] = {}
    confinement = os.path.realpath(root) if root else _confinement(path)
    data = _flatten(_load_tree(path, chain=(), root=confinement, text=text), (), positions, key_positions, written)
    return Document(path, data, positions, key_positions, written)


def load_stack_config(path: str) -> dict[str, Any]:
    """The `config:` mapping of a Pulumi stack file (`stacks/Pulumi.<stack>.yaml`); read once per
    version of the file (discovering stacks, their environments and subscriptions all ask)."""
    try:
        status = os.stat(path)
    except OSError:
        return _stack_config(path, "", 0, 0)  # reports the unreadable file
    return _stack_config(path, os.path.realpath(path), status.st_mtime_ns, status.st_size)


@lru_cache(maxsize=4096)
def _stack_config(path: str, _real: str, _mtime: int, _size: int) -> dict[str, Any]:
    tree = _parse(path)
    if tree is None:
        return {}
    config = _flatten(tree, (), {}, {})
    if not isinstance(config, dict):
        raise KitError([Problem(tree.position, "", "a Pulumi stack file must be a YAML mapping")])
    values = config.get("config") or {}
    return values if isinstance(values, dict) else {}


def dump_stack_config(config: dict[str, Any], comment: str) -> str:
    """The text of a Pulumi stack file holding `config`, after `comment` (lines without '#')."""
    lines = "".join(f"# {line}\n" if line else "#\n" for line in comment.splitlines())
    return lines + yaml.safe_dump({"config": config}, sort_keys=False, default_flow_style=False, allow_unicode=True)


def load_project_file(path: str) -> dict[str, Any]:
    """The mapping of a Pulumi project file (`Pulumi.yaml`)."""
    tree = _parse(path)
    data = _flatten(tree, (), {}, {}) if tree is not None else None
    if not isinstance(data, dict):
        raise KitError([Problem(Position(path), "", "a Pulumi project file must be a YAML mapping with a 'name'")])
    return data


def _confinement(path: str) -> str:
    """Where a caller without a project confines `extends`: the nearest directory with a
    Pulumi.yaml, else the manifest's own."""
    directory = os.path.dirname(os.path.abspath(path))
    return os.path.realpath(find_root(directory) or directory)


def _load_tree(path: str, chain: tuple[str, ...], root: str, text: str | None = None) -> _Node:
    tree = _parse(path, text)
    if tree is None:
        raise KitError([Problem(Position(path), "", "the manifest is empty: expected a mapping that starts with 'version: 1'")])
    if not isinstance(tree.value, dict):
        raise KitError([Problem(tree.position, "", f"a manifest must be a YAML mapping (key: value), not {_kind(tree.value)}")])
    entry = tree.value.pop("extends", None)
    if entry is None:
        return tree
    target = entry.node.value
    if not isinstance(target, str) or not target or "\0" in target:
        raise KitError([Problem(entry.node.position, "extends", "must be the path of another manifest, relative to this file")])
    base_path = os.path.normpath(os.path.join(os.path.dirname(path), target))
    if os.path.commonpath([root, os.path.realpath(base_path)]) != root:
        raise KitError([Problem(entry.node.position, "extends", f"'{target}' is outside the project ({root}): extends "
                                                                "names a manifest inside it, relative to this file")])
    here = os.path.realpath(path)
    if os.path.realpath(base_path) in chain + (here,):
        raise KitError([Problem(entry.node.position, "extends", f"'{target}' extends this file again: an extends cycle")])
    if not os.path.isfile(base_path):
        raise KitError([Problem(entry.node.position, "extends", f"cannot read '{target}': no such manifest")])
    return _merge(_load_tree(base_path, chain + (here,), root), tree)


def _parse(path: str, text: str | None = None) -> _Node | None:
    text = _read_text(path) if text is None else text
    try:
        return _compose(path, text, _FastLoader)
    except (yaml.YAMLError, RecursionError):
        return _compose_reporting(path, text)  # the same problem, in PyYAML's words


def _compose(path: str, text: str, loader_class: type[yaml.SafeLoader]) -> _Node | None:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        converter = _AliasConverter if "*" in text else _Converter  # no `*`, no alias
        return None if node is None else converter(path, loader).convert(node)
    finally:
        loader.dispose()


def _compose_reporting(path: str, text: str) -> _Node | None:
    """Parse with the pure-Python loader, turning what it refuses into a positioned problem."""
    try:
        return _compose(path, text, _YamlLoader)
    except yaml.MarkedYAMLError as error:
        mark, message = _syntax_error(error)
        where = Position(path, mark.line + 1, mark.column + 1) if mark else Position(path)
        raise KitError([Problem(where, "", f"not valid YAML: {message}")]) from None
    except yaml.reader.ReaderError as error:
        where = _position_at(path, text[: error.position], "\n")
        raise KitError([Problem(where, "", f"not valid YAML: unacceptable character #x{error.character:04x}: "
                                           "special characters are not allowed")]) from None
    except yaml.YAMLError as error:
        raise KitError([Problem(Position(path), "", f"not valid YAML: {error}")]) from None
    except RecursionError:
        raise KitError([Problem(Position(path), "", "the document is nested too deeply")]) from None


def _syntax_error(error: yaml.MarkedYAMLError) -> tuple[Any, str]:
    """PyYAML's refusal in words for people, at the mark where the mistake is: the scanner
    notices some only on a later line (a key without ':' or an unclosed quote), so those
    point where the key or the quote starts."""
    problem, context = error.problem or "", error.context or ""
    at_problem, at_context = error.problem_mark, error.context_mark or error.problem_mark
    opened = f" (the mapping starts at line {error.context_mark.line + 1})" if error.context_mark else ""
    if problem == "mapping values are not allowed here":
        return at_problem, ("a ': ' where a value was expected: put a value that contains ': ' in quotes "
                            "(description: \"Models: a and b\"), or indent this line like the keys beside it")
    if problem == "found character '\\t' that cannot start any token":
        return at_problem, "a tab character: YAML indents with spaces only; replace the tab with spaces"
    if problem.startswith("found character") and "cannot start any token" in problem:
        character = problem.split("'")[1]
        return at_problem, f"a value cannot start with '{character}' (YAML reserves it): put the value in quotes"
    if problem == "could not find expected ':'":
        return at_context, "a key without ':' (expected key: value): add ': ' after the key, or join the line to the value above"
    if problem == "found unexpected end of stream" and "quoted scalar" in context:
        return at_context, "a quoted value is never closed: add the closing quote"
    if problem.startswith("expected ',' or '") and "flow" in context:
        closing = "}" if "mapping" in context else "]"
        return at_context, f"this '{'{' if closing == '}' else '['}' is never closed with '{closing}', or a ',' is missing between its items"
    if problem.startswith("found undefined alias"):
        name = problem.split("'")[1]
        return at_problem, f"'*{name}' refers to no anchor: define it first with &{name}, or quote the value if '*' is text"
    if problem == "expected <block end>, but found '-'":
        return at_problem, (f"a list item among the keys of a mapping{opened}: give the list a key of its own (key: "
                            "then '- item' lines indented under it)")
    if problem == "expected <block end>, but found '<scalar>'":
        return at_problem, ("more text after a complete value: a quote inside a quoted value ends it early (write '' "
                            "for ' inside '...', or use double quotes)")
    if problem.startswith("expected <block end>") and "block mapping" in context:
        return at_problem, f"this line is indented unlike the keys of its mapping{opened}: indent it like them"
    return at_problem or at_context, f"{problem}{f' ({context}{opened})' if context else ''}"


def _read_text(path: str) -> str:
    try:
        with _open_file(path) as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
            if len(raw) > MAX_FILE_BYTES:
                raise KitError([Problem(Position(path), "", f"the file is larger than {MAX_FILE_BYTES // 2**20} MiB, the "
                                        "most the kit reads: this is not a manifest a person wrote; split it into "
                                        "stacks, or check that the right file is named")])
    except OSError as error:
        raise KitError([Problem(Position(path), "", f"cannot read the file: {error.strerror or error}")]) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise KitError([Problem(_position_at(path, raw[: error.start], b"\n"), "",
                                f"the file is not UTF-8 text (byte 0x{raw[error.start]:02x}); save it as UTF-8")]) from None


def _open_file(path: str) -> BinaryIO:
    """`path` opened for reading if it is a regular file. A folder, a named pipe, a socket or a
    device is refused: opened without waiting (a pipe's writer may never come), then looked at."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        kind = ("a folder" if stat.S_ISDIR(mode) else "a named pipe" if stat.S_ISFIFO(mode) else
                "a socket" if stat.S_ISSOCK(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else
                "a special file")
        raise OSError(errno.EINVAL, f"it is {kind}, not a file")
    if hasattr(os, "O_NONBLOCK"):
        os.set_blocking(descriptor, True)
    return os.fdopen(descriptor, "rb")


def _position_at(path: str, before: Any, newline: Any) -> Position:
    """The position just after `before` (the text or bytes that precede it in the file)."""
    return Position(path, before.count(newline) + 1, len(before) - before.rfind(newline))


class _Converter:
    """YAML nodes -> `_Node` tree; refuses duplicate keys and odd tags. For a document without
    aliases (no `*` in its text), where no node can repeat; `_AliasConverter` otherwise."""

    def __init__(self, path: str, loader: yaml.SafeLoader):
        self.path = path
        self.loader = loader

    def where(self, node: Node) -> Position:
        return Position(self.path, node.start_mark.line + 1, node.start_mark.column + 1)

    def fail(self, node: Node, message: str) -> KitError:
        return KitError([Problem(self.where(node), "", message)])

    def convert(self, node: Node) -> _Node:
        if isinstance(node, MappingNode):
            return self.mapping(node)
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ:
                raise self.fail(node, f"unsupported YAML tag '{node.tag}'")
            return _Node([self.convert(item) for item in node.value], self.where(node))
        return self.scalar(node)

    def scalar(self, node: Node) -> _Node:
        if node.tag == _STR:  # most values: the text as written, without the constructor's bookkeeping
            return _Node(node.value, self.where(node))
        if node.tag == _INT and _DECIMAL.match(node.value):  # capacities and counts, the same without it
            return _Node(int(node.value), self.where(node), node.value)
        try:
            value = self.loader.construct_object(node)
        except yaml.constructor.ConstructorError:
            raise self.fail(node, f"unsupported YAML tag '{node.tag}'") from None
        except (ValueError, TypeError, LookupError, AttributeError):  # PyYAML's constructors on malformed scalars
            kind = _SCALAR_KINDS.get(node.tag, node.tag)
            raise self.fail(node, f"cannot read {node.value!r} as {kind}") from None
        if isinstance(value, int) and value.bit_length() > 64:
            raise self.fail(node, "this number is too large")
        written = node.value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
        return _Node(value, self.where(node), written)

    def mapping(self, node: MappingNode) -> _Node:
        if node.tag != _MAP:
            raise self.fail(node, f"unsupported YAML tag '{node.tag}'")
        entries: dict[str, _Entry] = {}
        merged: dict[str, _Entry] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                for source in self.merge_sources(value_node):
                    for key, entry in source.value.items():
                        merged.setdefault(key, entry)
                continue
            if not isinstance(key_node, ScalarNode):
                raise self.fail(key_node, "a mapping key must be a plain string, not a list or mapping")
            key = key_node.value
            if key in entries:
                first = entries[key].key_position
                raise self.fail(key_node, f"duplicate key '{key}' (first written at line {first.line}); YAML would silently keep only the last one")
            entries[key] = _Entry(self.where(key_node), self.convert(value_node))
        return _Node({**merged, **entries}, self.where(node))

    def merge_sources(self, node: Node) -> list[_Node]:
        sources = node.value if isinstance(node, SequenceNode) else [node]
        converted = [self.convert(source) for source in sources]
        if not all(isinstance(source.value, dict) for source in converted):
            raise self.fail(node, "'<<' merges only mappings")
        return converted



class _AliasConverter(_Converter):
    """The converter for a document with aliases: also refuses recursive and exploding ones."""

    def __init__(self, path: str, loader: yaml.SafeLoader):
        super().__init__(path, loader)
        self.seen: set[int] = set()
        self.active: set[int] = set()
        self.expanded = 0

    def convert(self, node: Node) -> _Node:
        if id(node) in self.active:
            raise self.fail(node, "an alias refers to the anchor that contains it (a recursive structure)")
        if id(node) in self.seen:
            self.expanded += 1
            if self.expanded > MAX_ALIAS_EXPANSION:
                raise self.fail(node, f"anchors and aliases expand this document past {MAX_ALIAS_EXPANSION:,} values")
        self.seen.add(id(node))
        self.active.add(id(node))
        try:
            return super().convert(node)
        finally:
            self.active.discard(id(node))


def _merge(base: _Node, overlay: _Node) -> _Node:
    """`extends` semantics: maps merge key by key, the overlay wins, null removes a key."""
    if not (isinstance(base.value, dict) and isinstance(overlay.value, dict)):
        return overlay
    result = dict(base.value)
    for key, entry in overlay.value.items():
        if entry.node.value is None:
            result.pop(key, None)
        elif key in result:
            result[key] = _Entry(entry.key_position, _merge(result[key].node, entry.node))
        else:
            result[key] = entry
    return _Node(result, overlay.position)


def _flatten(node: _Node, path: Path, positions: dict[Path, Position],
             key_positions: dict[Path, Position], written: dict[Path, str] | None = None) -> Any:
    """`_Node` tree -> plain data, recording every position (and a number's text) on the way."""
    positions[path] = node.position
    if isinstance(node.value, dict):
        result = {}
        for key, entry in node.value.items():
            key_positions[path + (key,)] = entry.key_position
            result[key] = _flatten(entry.node, path + (key,), positions, key_positions, written)
        return result
    if isinstance(node.value, list):
        return [_flatten(item, path + (index,), positions, key_positions, written) for index, item in enumerate(node.value)]
    if node.written is not None and written is not None:
        written[path] = node.written
    return node.value


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    return f"a single value ({type(value).__name__})"
