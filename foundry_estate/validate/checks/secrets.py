"""Secrets pasted into a manifest (an API key in a tag, a storage connection string, a SAS token, a
private key): manifests live in git and in pull-request comments, so one is an error at its line,
and the message never repeats it.

Every string is scanned, mapping keys too (a deployment name, a tag key), each distinct one once,
with detect-secrets' detectors (`foundry_estate.manifest.quoting`, where every message's quoting
redacts what they flag).
"""

from __future__ import annotations

from typing import Any, Iterator

from foundry_estate.errors import Problem
from foundry_estate.manifest.document import Document, Path
from foundry_estate.manifest.quoting import MIN_LENGTH, SCANNED, looks_secret, secret_kind

_ADVICE = ("manifests live in git and in pull-request comments: remove it, rotate it, and let the service reach "
           "what it needs through its managed identity or a Key Vault reference")


def check_secrets(doc: Document) -> Iterator[Problem]:
    for path, value, is_key in _strings(doc.data, ()):
        if len(value) > SCANNED:
            yield doc.problem(path, f"is {len(value):,} characters long: no manifest value is longer than {SCANNED:,} "
                                    "(the longest the kit scans for secrets)", prefer_key=is_key)
        elif len(value) >= MIN_LENGTH:
            kind = secret_kind(value)
            if kind:
                what = "this key" if is_key else "this value"
                yield doc.problem(path, f"{what} looks like a secret (detect-secrets: {kind}): {_ADVICE}", prefer_key=is_key)


def flagged(doc: Document) -> set[str]:
    """The strings of `doc` (keys and values) that look like secrets: no message may show them."""
    return {value for _path, value, _key in _strings(doc.data, ()) if looks_secret(value)}


def _strings(value: Any, path: Path) -> Iterator[tuple[Path, str, bool]]:
    """Every string of the document, keys included: (path, string, whether it is a key)."""
    if isinstance(value, str):
        yield path, value, False
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield path + (key,), key, True
            yield from _strings(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, path + (index,))
