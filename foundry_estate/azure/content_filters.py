"""Content-filter vocabulary: the manifest's words for categories, sources and levels, Azure's
RaiPolicy names for them, and how strongly each level blocks. The components write policies
with it; plans, diffs and guardrails read policies back with it."""

from __future__ import annotations

from typing import Any, Mapping

# The manifest's category words -> Azure's content filter names.
AZURE_FILTER_NAMES = {
    "hate": "Hate",
    "sexual": "Sexual",
    "violence": "Violence",
    "selfHarm": "Selfharm",
    "jailbreak": "Jailbreak",
    "indirectAttack": "Indirect Attack",
    "profanity": "Profanity",
    "protectedMaterialText": "Protected Material Text",
    "protectedMaterialCode": "Protected Material Code",
}
FILTER_WORDS = {azure: word for word, azure in AZURE_FILTER_NAMES.items()}
HARM_CATEGORIES = ("hate", "sexual", "violence", "selfHarm")
SOURCES = ("prompt", "completion")

# How much a setting blocks: a harm category set to low blocks from low severity up (the most).
_STRENGTH = {"off": 0, "annotate": 1, "high": 2, "medium": 3, "low": 4, "block": 4}


def strength(setting: str | None) -> int:
    return _STRENGTH.get(setting or "", 0)


def setting_of(entry: Mapping[str, Any]) -> str:
    """One RaiPolicy `contentFilters` entry (engine camelCase) in the manifest's words, the
    inverse of `components.content_filter.rai_content_filter`: off, annotate, the severity
    threshold of a harm category (medium when not known yet), or block."""
    if entry.get("enabled") is False:
        return "off"
    if entry.get("blocking") is False:
        return "annotate"
    if FILTER_WORDS.get(str(entry.get("name"))) in HARM_CATEGORIES:
        threshold = entry.get("severityThreshold")
        return threshold.lower() if isinstance(threshold, str) and threshold.lower() in _STRENGTH else "medium"
    return "block"
