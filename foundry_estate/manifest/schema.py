"""JSON Schema validation, translated into positioned problems a person can act on.

A valid document (the usual case) is recognised by fastjsonschema's validator, compiled once per
schema and kept in the user's cache (`fast_schemas.py`); jsonschema is imported only for a
document that is not, to word every error at once."""

from __future__ import annotations

import difflib
import json
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping

from foundry_estate.errors import Problem
from foundry_estate.manifest.document import Document
from foundry_estate.manifest.quoting import quote
from foundry_estate.manifest.fast_schemas import is_valid
from foundry_estate.shipped import SCHEMAS, shipped_file

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

_SIZES = ("maxProperties", "minProperties", "maxItems", "minItems", "maxLength", "minLength")
# Keywords that look at each key or item of a collection, and the size that bounds it: a collection
# over its bound gets the size error alone (checking each of two million tag keys says nothing more).
_BOUNDED = {"properties": "maxProperties", "propertyNames": "maxProperties", "additionalProperties": "maxProperties",
            "patternProperties": "maxProperties", "items": "maxItems", "prefixItems": "maxItems"}
_JSON_TYPES = {"string": "a string", "integer": "an integer", "number": "a number", "boolean": "true or false",
               "object": "a mapping", "array": "a list", "null": "null"}


@lru_cache(maxsize=None)
def schema_text(name: str = "manifest") -> str:
    """The text of `schemas/<name>.schema.json`."""
    with open(shipped_file(SCHEMAS, f"{name}.schema.json"), encoding="utf-8") as handle:
        return handle.read()


@lru_cache(maxsize=None)
def schema_document(name: str = "manifest") -> Mapping[str, Any]:
    """The JSON of `schemas/<name>.schema.json` (for rules that read their patterns and enums)."""
    return _mapping(json.loads(schema_text(name)))


@lru_cache(maxsize=None)
def validator(name: str = "manifest") -> Draft202012Validator:
    """jsonschema's validator of `schemas/<name>.schema.json`, which counts 500.0 as an integer as
    JSON Schema does; Azure and the quota sums must not see one, so here it is not."""
    from jsonschema import Draft202012Validator, validators

    integers = Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _checker, value: isinstance(value, int) and not isinstance(value, bool))
    bounded = {keyword: _within_size(Draft202012Validator.VALIDATORS[keyword], limit) for keyword, limit in _BOUNDED.items()}
    return validators.extend(Draft202012Validator, validators=bounded, type_checker=integers)(schema_document(name))


def _within_size(check: Callable[..., Iterator[ValidationError]], limit: str) -> Callable[..., Iterator[ValidationError]]:
    """`check`, skipped for a collection larger than its schema's `limit` allows."""
    def within_size(validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]) -> Iterator[ValidationError]:
        if isinstance(instance, (dict, list)) and len(instance) > schema.get(limit, len(instance)):
            return
        yield from check(validator, value, instance, schema)
    return within_size


def _mapping(schema: Any) -> Mapping[str, Any]:
    """A (sub)schema as a mapping (`true`/`false` schemas and unset ones read as empty)."""
    return schema if isinstance(schema, Mapping) else {}


def schema_problems(document: Document, schema: str = "manifest") -> list[Problem]:
    """Every violation of `schemas/<schema>.schema.json`, in the kit's words and positions.

    fastjsonschema's validator answers for a valid document, an order of magnitude faster than
    jsonschema; jsonschema walks only a document that is not, for every error at once."""
    if _fast_valid(schema, document.data):
        return []
    problems: list[Problem] = []
    for error in validator(schema).iter_errors(document.data):
        problems.extend(_translate(document, error))
    return problems


def _fast_valid(schema: str, data: Any) -> bool:
    return is_valid(schema, schema_text(schema), data)


def _translate(document: Document, error: ValidationError) -> Iterator[Problem]:
    path = tuple(error.absolute_path)
    kind, value, schema = error.validator, error.instance, _mapping(error.schema)
    if kind == "additionalProperties" and isinstance(value, dict):
        known = sorted(schema.get("properties", {}))
        for key in sorted(set(value) - set(known)):
            yield document.problem(path + (key,), f"unknown key {quote(key)}{_suggest(key, known)}", prefer_key=True)
    elif kind == "required":
        missing = re.match(r"^'(.*)' is a required property$", error.message)
        name = missing.group(1) if missing else error.message
        yield document.problem(path, f"missing required key '{name}'", prefer_key=True)
    elif "propertyNames" in error.relative_schema_path:
        yield document.problem((*path, str(value)), f"{quote(value)} is not valid: expected {_rule(error)}", prefer_key=True)
    elif kind in ("oneOf", "anyOf"):
        yield from _translate_choice(document, error)
    else:
        yield document.problem(path, _message(error, document.written.get(path)))


def _translate_choice(document: Document, error: ValidationError) -> Iterator[Problem]:
    """For a value that may take several shapes, report against the shape the user chose."""
    wanted = "object" if isinstance(error.instance, dict) else None
    chosen = [inner for inner in error.context or [] if wanted and _mapping(inner.schema).get("type") == wanted
              and len(inner.relative_schema_path) > 1]
    if chosen:
        for inner in chosen:
            yield from _translate(document, inner)
    else:
        yield document.problem(tuple(error.absolute_path), f"{quote(error.instance)} is not valid: expected {_rule(error)}")


def _message(error: ValidationError, written: str | None = None) -> str:
    kind, value, schema = error.validator, error.instance, _mapping(error.schema)
    if kind == "const" and error.absolute_path and error.absolute_path[-1] == "version":
        hint = " (write it without quotes)" if value == "1" else ""
        return f"unsupported manifest version {quote(value)}: this kit reads version 1{hint}"
    if kind == "enum":
        options = ["null" if option is None else str(option) for option in schema["enum"]]
        if "x-rule" in schema:  # too many options to list
            return f"{quote(value)} is not valid: expected {schema['x-rule']}{_suggest(str(value), options)}"
        return f"{quote(value)} is not one of: {', '.join(options)}{_suggest(str(value), options)}"
    if kind == "type":
        expected = _JSON_TYPES.get(str(schema["type"]), str(schema["type"]))
        quotable = schema["type"] == "string" and "pattern" not in schema and "anyOf" not in schema
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if quotable and number and written is not None and written != str(value):
            return f"expected {expected}, got {written}, which YAML reads as the number {value}: write \"{written}\" in quotes"
        hint = f' (write "{written or value}" in quotes)' if quotable and number else ""
        return f"expected {expected}, got {_describe(value)}{hint}"
    if kind == "pattern":
        return f"{quote(value)} is not valid: expected {_rule(error)}"
    if kind == "minProperties" and schema.get("minProperties") == 1:
        return "must not be empty"
    if kind in _SIZES and isinstance(value, (str, list, dict)):
        bound = f"at most {schema[kind]:,} allowed" if kind.startswith("max") else f"at least {schema[kind]:,} needed"
        return f"{_size(value)}: {bound}"
    shown = repr(value)  # jsonschema's own message quotes the whole value
    return error.message.replace(shown, quote(value)) if shown in error.message else error.message


def _rule(error: ValidationError) -> str:
    schema = _mapping(error.schema)
    return schema.get("x-rule") or f"a value matching {schema.get('pattern', 'the schema')}"


def _size(value: str | list | dict) -> str:
    unit = "character" if isinstance(value, str) else "key" if isinstance(value, dict) else "item"
    count = f"{len(value):,} {unit}{'' if len(value) == 1 else 's'}"
    return f"is {count} long" if isinstance(value, str) else f"has {count}"


def _suggest(word: str, options: list[str]) -> str:
    if len(word) > 100:
        return ""  # no option is that long
    lowered = {option.lower(): option for option in options}
    close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.75)
    return f" (did you mean '{lowered[close[0]]}'?)" if close else ""


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {json.dumps(value)}"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the string {quote(value)}"
    return f"the {type(value).__name__} {value}"
