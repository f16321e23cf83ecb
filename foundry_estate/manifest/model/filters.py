"""The typed manifest: content filters and blocklists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from foundry_estate.manifest.model.common import DEFAULT_CONTENT_FILTER, Tags, own_tags


@dataclass(frozen=True)
class HarmSetting:
    """One category of a content filter, for prompts or completions."""

    category: str  # the manifest's word: hate, jailbreak, protectedMaterialText, ...
    source: str  # prompt | completion
    setting: str  # low | medium | high | block | annotate | off


@dataclass(frozen=True)
class ContentFilter:
    name: str
    base: str
    mode: str
    settings: tuple[HarmSetting, ...]
    blocklists: tuple[str, ...]  # in the manifest's order (Azure keeps it; Pulumi compares by position)
    tags: Tags | None = None  # its own tags; None: its account's


@dataclass(frozen=True)
class BlocklistItem:
    pattern: str
    regex: bool


@dataclass(frozen=True)
class Blocklist:
    name: str
    description: str | None
    items: tuple[BlocklistItem, ...]
    tags: Tags | None = None  # its own tags; None: its account's


def content_filter(name: str, spec: Mapping[str, Any]) -> ContentFilter:
    settings = tuple(HarmSetting(category, source, setting)
                     for source in ("prompt", "completion")
                     for category, setting in sorted((spec.get(source) or {}).items()))
    return ContentFilter(name, spec.get("base", DEFAULT_CONTENT_FILTER), spec.get("mode", "Default"), settings,
                         tuple(dict.fromkeys(spec.get("blocklists") or [])), own_tags(spec))


def blocklist(name: str, spec: Mapping[str, Any]) -> Blocklist:
    items = (BlocklistItem(item, False) if isinstance(item, str) else BlocklistItem(item["pattern"], item.get("regex", False))
             for item in spec.get("items") or [])
    return Blocklist(name, spec.get("description"), tuple(sorted(items, key=lambda item: (item.pattern, item.regex))),
                     own_tags(spec))
