"""The content-filter codec: the manifest's words for categories, sources and levels <-> the
entries of Azure's RaiPolicy `contentFilters`, and how strongly each level blocks. One place for
the shape: the components write policies with `rai_entry`; guardrails, plans, diffs, drift and
import read them back with `entry_key`, `setting_of` and `levels`."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

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
AZURE_SOURCES = {"prompt": "Prompt", "completion": "Completion"}
# Which filters Azure applies to which side of a call (the manifest's per source: schemas/manifest.schema.json).
SOURCE_CATEGORIES = {
    "prompt": (*HARM_CATEGORIES, "jailbreak", "indirectAttack", "profanity"),
    "completion": (*HARM_CATEGORIES, "protectedMaterialText", "protectedMaterialCode", "profanity"),
}
_THRESHOLDS = {"low": "Low", "medium": "Medium", "high": "High"}

# How much a setting blocks: a harm category set to low blocks from low severity up (the most).
_STRENGTH = {"off": 0, "annotate": 1, "high": 2, "medium": 3, "low": 4, "block": 4}


BUILTIN_PREFIX = "Microsoft."

# What Azure's built-in policies apply to a category a content filter leaves out (or to a
# deployment that names the built-in policy itself). Azure documents the default safety
# policy as hate, sexual, violence and self-harm filtered from medium severity on prompts and
# completions, with jailbreak detection on (azure-foundry-facts §2.3). That documentation is
# taken to describe Microsoft.DefaultV2, the policy current Foundry deployments get; for
# Microsoft.Default no jailbreak setting is assumed. A built-in policy not listed here (such as
# Microsoft.Nill) has no known settings, so every checked category counts as unset.
_DEFAULT_HARM = {(category, source): "medium" for category in HARM_CATEGORIES for source in SOURCES}
BUILTIN_SETTINGS: Mapping[str, Mapping[tuple[str, str], str]] = {
    "Microsoft.Default": dict(_DEFAULT_HARM),
    "Microsoft.DefaultV2": {**_DEFAULT_HARM, ("jailbreak", "prompt"): "block"},
}
BUILTIN_CONTENT_FILTERS = tuple(BUILTIN_SETTINGS)  # the built-in policies a deployment may name
DEFAULT_CONTENT_FILTER = "Microsoft.DefaultV2"  # what Azure gives a deployment that names none


def is_builtin(policy_name: str) -> bool:
    """Azure's built-in content filters are the `Microsoft.*` names (a manifest may not take one)."""
    return policy_name.startswith(BUILTIN_PREFIX)


def strength(setting: str | None) -> int:
    return _STRENGTH.get(setting or "", 0)


def rai_entry(category: str, source: str, setting: str) -> dict[str, Any]:
    """The manifest's `setting` of `category` on `source` -> one RaiPolicy `contentFilters` entry.

    Severity levels block from that severity up; `annotate` detects without blocking; `off`
    disables the filter. Harm categories always carry a threshold (Azure wants one): for
    annotate the lowest, for off the highest, which then have no effect.
    """
    entry: dict[str, Any] = {
        "name": AZURE_FILTER_NAMES[category],
        "source": AZURE_SOURCES[source],
        "enabled": setting != "off",
        "blocking": setting not in ("annotate", "off"),
    }
    if category in HARM_CATEGORIES:
        entry["severityThreshold"] = _THRESHOLDS.get(setting, "Low" if setting == "annotate" else "High")
    return entry


def entry_words(entry: Mapping[str, Any]) -> tuple[str, str]:
    """(category, source) of one entry in the manifest's words, or in Azure's spelling where the
    manifest has none (the source in lower case)."""
    name = str(entry.get("name"))
    return FILTER_WORDS.get(name, name), str(entry.get("source", "")).lower()


def entry_key(entry: Mapping[str, Any]) -> tuple[str, str] | None:
    """(category, source) of one entry in the manifest's words; None when it has no word for either."""
    category, source = entry_words(entry)
    return (category, source) if category in AZURE_FILTER_NAMES and source in AZURE_SOURCES else None


def levels(entries: Iterable[Mapping[str, Any]], keep_unknown: bool = False) -> dict[tuple[str, str], str]:
    """RaiPolicy `contentFilters` entries -> the manifest's (category, source) -> setting, the
    inverse of `rai_entry` (entries the manifest has no words for: left out, or with
    `keep_unknown` kept under Azure's spelling)."""
    found = {}
    for entry in entries:
        key = entry_words(entry) if keep_unknown else entry_key(entry)
        if key is not None:
            found[key] = setting_of(entry)
    return found


def setting_of(entry: Mapping[str, Any]) -> str:
    """One RaiPolicy `contentFilters` entry (engine camelCase) in the manifest's words, the
    inverse of `rai_entry`: off, annotate, the severity threshold of a harm category (medium
    when not known yet), or block."""
    if entry.get("enabled") is False:
        return "off"
    if entry.get("blocking") is False:
        return "annotate"
    if FILTER_WORDS.get(str(entry.get("name"))) in HARM_CATEGORIES:
        threshold = entry.get("severityThreshold")
        return threshold.lower() if isinstance(threshold, str) and threshold.lower() in _STRENGTH else "medium"
    return "block"
