"""How a message quotes a value from a manifest: a value that looks like a secret is never shown
(`<redacted: ...>`), and a long one is shortened, with its size, so that one message stays one
readable line however large the value (a 2-million-key map is `{"k1": "v", ...}… (a mapping of
2,000,000 keys)`).

What looks like a secret is detect-secrets' verdict (Yelp's maintained scanner): its pattern
detectors (private keys, Azure storage keys, JWTs, cloud and SaaS tokens) on the whole string, and
its entropy detectors (base64, hex) on each part of a longer value, as a URL's query or a
connection string splits it. A git commit id (40 or 64 lowercase hex digits, as a tag records the
revision it was deployed from) is a name, not a secret: the entropy detectors do not judge it.
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from typing import Any, Iterable
from urllib.parse import unquote

MIN_LENGTH = 16
"""Shorter strings are names, versions and SKUs; no detector finds a secret that short (an AWS key id has 20)."""
SCANNED = 65_536
"""The longest string the secret scan reads (a private key block has some 3,000 characters); a
longer one is an error of its own, so nothing goes unscanned (`check_secrets`)."""
SHOWN = 200
"""The most characters of one value a message shows (an ARM id fits; a pasted file does not)."""
_PARTS = re.compile(r"[\s?&;,]+")  # how URLs, connection strings and sentences split into parts
_COMMIT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")  # git's SHA-1 and SHA-256 object names
_NOT_SECRETS = {"IPPublicDetector"}  # a manifest's IP rules name public addresses on purpose


def quote(value: Any) -> str:
    """`value` as a message shows it: a string in quotes, anything else as JSON; secrets redacted,
    and past `SHOWN` characters shortened with the value's size."""
    text = _render(value, SHOWN + 1, top=True)
    return text if len(text) <= SHOWN else f"{text[:SHOWN]}… ({_size(value)})"


def redacted(value: str) -> str:
    return f"<redacted: {len(value)} characters that look like a secret>"


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every occurrence of each of `secrets` redacted (longest first)."""
    for secret in sorted(set(secrets), key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, redacted(secret))
    return text


def looks_secret(value: str) -> bool:
    """Whether `value` may be a secret: detect-secrets flags it, or it is too long to scan."""
    return len(value) > SCANNED or len(value) >= MIN_LENGTH and secret_kind(value) is not None


@lru_cache(maxsize=65536)
def secret_kind(value: str) -> str | None:
    """What detect-secrets takes `value` for (its secret type), or None."""
    patterns, any_pattern, entropies = _detectors()
    if any_pattern.search(value):  # one search first: none of the detectors' own can match without it
        for detector in patterns:
            if any(True for _ in detector.analyze_string(value)):
                return str(detector.secret_type)
    for part in _PARTS.split(value):
        part = unquote(part.split("=", 1)[1] if "=" in part.rstrip("=") else part)
        if len(part) < MIN_LENGTH or _COMMIT_ID.fullmatch(part):
            continue
        for detector in entropies:
            if any(_may_exceed(found, detector.entropy_limit) and detector.calculate_shannon_entropy(found) > detector.entropy_limit
                   for found in detector.analyze_string(f'"{part}"')):
                return str(detector.secret_type)
    return None


def _may_exceed(found: str, limit: float) -> bool:
    """Whether `found` can have a Shannon entropy over `limit` bits: with k distinct characters it
    has at most log2(k) (so most names, with few distinct letters, need no computing)."""
    return math.log2(len(set(found))) > limit


@lru_cache(maxsize=None)
def _detectors() -> tuple[tuple[Any, ...], re.Pattern[str], tuple[Any, ...]]:
    """detect-secrets' pattern detectors, one pattern that matches wherever any of theirs does, and
    its two entropy detectors at their default limits."""
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
    from detect_secrets.plugins.base import RegexBasedDetector
    from detect_secrets.plugins.high_entropy_strings import Base64HighEntropyString, HexHighEntropyString

    plugins: dict[Any, Any] = get_mapping_from_secret_type_to_class()  # (detect-secrets is untyped)
    patterns = tuple(plugin() for plugin in plugins.values()
                     if issubclass(plugin, RegexBasedDetector) and plugin.__name__ not in _NOT_SECRETS)
    any_pattern = re.compile("|".join(f"(?{_scoped(regex.flags)}:{regex.pattern})"
                                      for detector in patterns for regex in detector.denylist))
    return patterns, any_pattern, (Base64HighEntropyString(), HexHighEntropyString())


def _scoped(flags: int) -> str:
    """A pattern's flags as a group's inline flags (all of detect-secrets' are Unicode patterns)."""
    return "".join(letter for letter, flag in (("i", re.IGNORECASE), ("m", re.MULTILINE), ("s", re.DOTALL),
                                               ("x", re.VERBOSE)) if flags & flag) or "-i"


def _render(value: Any, budget: int, top: bool = False) -> str:
    """`value`'s text, stopping soon after `budget` characters (a huge mapping is never written out)."""
    if isinstance(value, str):
        if looks_secret(value[:budget]):  # all that is shown
            return redacted(value)
        shown = value[:budget]
        return repr(shown) if top else json.dumps(shown, ensure_ascii=False)
    if isinstance(value, dict):
        return _joined("{", "}", (f"{_render(str(key), budget)}: {_render(item, budget)}" for key, item in value.items()), budget)
    if isinstance(value, (list, tuple)):
        return _joined("[", "]", (_render(item, budget) for item in value), budget)
    return json.dumps(value, default=str)[:budget + 1]


def _joined(opening: str, closing: str, parts: Iterable[str], budget: int) -> str:
    text = opening
    for index, part in enumerate(parts):
        text += (", " if index else "") + part
        if len(text) > budget:
            return text
    return text + closing


def _size(value: Any) -> str:
    if isinstance(value, dict):
        return f"a mapping of {len(value):,} keys"
    if isinstance(value, (list, tuple)):
        return f"a list of {len(value):,} items"
    return f"{len(str(value)):,} characters"
