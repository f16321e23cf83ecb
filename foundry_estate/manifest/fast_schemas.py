"""fastjsonschema's validators of the kit's schemas, compiled once and kept in the user's cache.

Compiling the manifest's schema costs about a tenth of a second, more than validating a
manifest; kept compiled, a `validate` of a few valid manifests neither pays that nor imports
jsonschema (`schema.py` words the errors of an invalid one with it).

The cache holds the marshalled code of fastjsonschema's generated module, one file per schema,
named by a hash of the schema's text, fastjsonschema's version, Python's and the kit's own edit of
the generated code (so a new schema, fastjsonschema, Python or edit compiles afresh), in `$XDG_CACHE_HOME/foundry-estate` (default
`~/.cache/foundry-estate`), written whole by `files.py`; where none can be written or read, the
validator is compiled in memory."""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import re
import sys
from functools import lru_cache
from types import CodeType
from typing import Any, Callable

CACHE_FOLDER = "foundry-estate"
_FLOAT_AS_INTEGER = re.compile(r" and not \(isinstance\((\w+), float\) and \1\.is_integer\(\)\)")


def is_valid(name: str, text: str, data: Any) -> bool:
    """Whether `data` is valid against the schema `name` whose JSON is `text` (an integer is an
    int, not `1.0`, as the kit's jsonschema validator reads it)."""
    from fastjsonschema import JsonSchemaException

    try:
        _validate_function(name, text)(data)
    except JsonSchemaException:
        return False
    return True


def cache_folder() -> str:
    return os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser(os.path.join("~", ".cache")),
                        CACHE_FOLDER)


@lru_cache(maxsize=None)
def _validate_function(name: str, text: str) -> Callable[[Any], Any]:
    import fastjsonschema

    recipe = (text, fastjsonschema.VERSION, sys.version, _FLOAT_AS_INTEGER.pattern)  # what the code depends on
    key = hashlib.sha256("\0".join(recipe).encode()).hexdigest()[:32]
    path = os.path.join(cache_folder(), f"schema-{name}-{key}.marshal")
    code = _read(path)
    if code is None:
        code = _compile(name, text)
        _write(path, marshal.dumps(code))
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # noqa: S102 - fastjsonschema's generated module, from the kit's own schema
    return namespace["VALIDATE"]


def _compile(name: str, text: str) -> CodeType:
    import fastjsonschema

    source = fastjsonschema.compile_to_code(json.loads(text), use_formats=False, use_default=False)
    # JSON Schema counts 500.0 as an integer, and so does fastjsonschema's type check; the kit does
    # not (schema.validator), so that clause goes (tests/unit/manifest/test_schema_fast_path.py).
    source = _FLOAT_AS_INTEGER.sub("", source)
    root = re.search(r"^def (validate\w*)\(", source, re.MULTILINE)  # the schema's own function comes first
    assert root, "fastjsonschema generated no validation function"
    return compile(f"{source}\nVALIDATE = {root.group(1)}\n", f"<fastjsonschema: {name}.schema.json>", "exec")


def _read(path: str) -> CodeType | None:
    try:
        with open(path, "rb") as handle:
            code = marshal.loads(handle.read())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return code if isinstance(code, CodeType) else None


def _write(path: str, data: bytes) -> None:
    """`data` at `path`, whole (the kit's one writer); a cache that cannot be written is no error."""
    from foundry_estate.errors import KitError
    from foundry_estate.files import write_file

    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_file(path, data)
    except (OSError, KitError):
        pass
