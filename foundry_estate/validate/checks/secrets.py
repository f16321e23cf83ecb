"""Secrets pasted into a manifest (an API key in a tag, a storage connection string, a SAS token, a
private key): manifests live in git and in pull-request comments, so one is an error at its line,
and the message never repeats it.

The detectors are detect-secrets' (Yelp's maintained scanner): its pattern detectors (private keys,
Azure storage keys, JWTs, cloud and SaaS tokens) on every string value, and its entropy detectors
(base64, hex) on each part of a longer value, as a URL's query or a connection string splits it.
Only string scalars are scanned, each distinct string once.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterator
from urllib.parse import unquote

from foundry_estate.errors import Problem
from foundry_estate.manifest.document import Document, Path

MIN_LENGTH = 16
"""Shorter strings are names, versions and SKUs; no detector finds a secret that short (an AWS key id has 20)."""
_PARTS = re.compile(r"[\s?&;,]+")  # how URLs, connection strings and sentences split into parts
_NOT_SECRETS = {"IPPublicDetector"}  # a manifest's IP rules name public addresses on purpose
_ADVICE = ("manifests live in git and in pull-request comments: remove it, rotate it, and let the service reach "
           "what it needs through its managed identity or a Key Vault reference")


def check_secrets(doc: Document) -> Iterator[Problem]:
    for path, value in _strings(doc.data, ()):
        if len(value) >= MIN_LENGTH:
            kind = secret_kind(value)
            if kind:
                yield doc.problem(path, f"this value looks like a secret (detect-secrets: {kind}): {_ADVICE}")


def _strings(value: Any, path: Path) -> Iterator[tuple[Path, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, path + (index,))


@lru_cache(maxsize=65536)
def secret_kind(value: str) -> str | None:
    """What detect-secrets takes `value` for (its secret type), or None."""
    patterns, entropies = _detectors()
    for detector in patterns:
        if any(True for _ in detector.analyze_string(value)):
            return str(detector.secret_type)
    for part in _PARTS.split(value):
        part = unquote(part.split("=", 1)[1] if "=" in part.rstrip("=") else part)
        if len(part) < MIN_LENGTH:
            continue
        for detector in entropies:
            if any(detector.calculate_shannon_entropy(found) > detector.entropy_limit
                   for found in detector.analyze_string(f'"{part}"')):
                return str(detector.secret_type)
    return None


@lru_cache(maxsize=None)
def _detectors() -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """detect-secrets' pattern detectors, and its two entropy detectors at their default limits."""
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
    from detect_secrets.plugins.base import RegexBasedDetector
    from detect_secrets.plugins.high_entropy_strings import Base64HighEntropyString, HexHighEntropyString

    plugins: dict[Any, Any] = get_mapping_from_secret_type_to_class()  # (detect-secrets is untyped)
    patterns = tuple(plugin() for plugin in plugins.values()
                     if issubclass(plugin, RegexBasedDetector) and plugin.__name__ not in _NOT_SECRETS)
    return patterns, (Base64HighEntropyString(), HexHighEntropyString())
