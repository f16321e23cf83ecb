"""Azure's model and usage lists, read from their REST JSON (no Azure SDK here).

- Models_List, `GET /subscriptions/{s}/providers/Microsoft.CognitiveServices/locations/{l}/models`:
  `value[]` of `{model: AccountModel, kind, skuName, description}`;
- Accounts_ListModels, `GET .../accounts/{a}/models`: `value[]` of `AccountModel`;
- Usages_List, `GET .../locations/{l}/usages`: `value[]` of `{name: {value, localizedValue},
  currentValue, limit, unit, ...}`.

Each reader takes a response body (`{"value": [...]}`) or its items already unpaged (what
`live.py` gets from the SDK, serialized back to REST JSON). A value of the wrong shape reads as
absent: the lists are Azure's, and a field Azure leaves out must not stop a report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable

# lifecycleStatus (AccountModel) -> the catalog's status. "Deprecated" is read as the catalog's
# `deprecating` (no new deployments, still served): a retired version is not listed at all.
LIFECYCLE = {"Preview": "preview", "GenerallyAvailable": "ga", "Stable": "ga",
             "Deprecating": "deprecating", "Deprecated": "deprecating"}


@dataclass(frozen=True)
class LiveSku:
    name: str
    usage_name: str | None
    retires: date | None  # `deprecationDate` of the SKU


@dataclass(frozen=True)
class LiveModel:
    format: str
    name: str
    version: str
    lifecycle: str | None  # the catalog's word for `lifecycleStatus`, None when absent or unknown
    retires: date | None  # `deprecation.inference`: the day inference stops
    skus: tuple[LiveSku, ...]


@dataclass(frozen=True)
class LiveUsage:
    name: str
    localized: str | None
    current: float
    limit: float
    unit: str | None

    @property
    def free(self) -> float:
        return self.limit - self.current


def items(response: Any) -> list[Any]:
    """The items of a list response body, or the items themselves."""
    found = response.get("value") if isinstance(response, dict) else response
    return found if isinstance(found, list) else []


def parse_models(response: Any) -> list[LiveModel]:
    """Models_List or Accounts_ListModels items as `LiveModel`s; the same (format, name, version)
    listed several times (once per account kind) is one model with the union of its SKUs."""
    merged: dict[tuple[str, str, str], LiveModel] = {}
    for item in items(response):
        model = _model(item.get("model", item) if isinstance(item, dict) else None)
        if model is None:
            continue
        key = (model.format, model.name, model.version)
        seen = merged.get(key)
        if seen is not None:
            known = {sku.name for sku in seen.skus}
            model = LiveModel(*key, seen.lifecycle or model.lifecycle, seen.retires or model.retires,
                              seen.skus + tuple(sku for sku in model.skus if sku.name not in known))
        merged[key] = model
    return sorted(merged.values(), key=lambda m: (m.format, m.name, m.version))


def parse_usages(response: Any) -> dict[str, LiveUsage]:
    """Usages_List items by usage name (`name.value`)."""
    usages = {}
    for item in items(response):
        if not isinstance(item, dict):
            continue
        named = item.get("name")
        name: dict[str, Any] = named if isinstance(named, dict) else {}
        value, current, limit = name.get("value"), item.get("currentValue"), item.get("limit")
        if isinstance(value, str) and isinstance(current, (int, float)) and isinstance(limit, (int, float)) \
                and _number(current) and _number(limit):
            usages[value] = LiveUsage(value, _str(name.get("localizedValue")), current, limit, _str(item.get("unit")))
    return usages


def _model(spec: Any) -> LiveModel | None:
    if not isinstance(spec, dict):
        return None
    model_format, name, version = _str(spec.get("format")), _str(spec.get("name")), _str(spec.get("version"))
    if not (model_format and name and version):
        return None
    given_deprecation, given_skus = spec.get("deprecation"), spec.get("skus")
    deprecation: dict[str, Any] = given_deprecation if isinstance(given_deprecation, dict) else {}
    skus: list[Any] = given_skus if isinstance(given_skus, list) else []
    return LiveModel(model_format, name, version, LIFECYCLE.get(_str(spec.get("lifecycleStatus")) or ""),
                     _day(deprecation.get("inference")), tuple(_skus(skus)))


def _skus(skus: Iterable[Any]) -> Iterable[LiveSku]:
    for sku in skus:
        if isinstance(sku, dict) and _str(sku.get("name")):
            yield LiveSku(sku["name"], _str(sku.get("usageName")), _day(sku.get("deprecationDate")))


def _day(value: Any) -> date | None:
    """The date of an ISO 8601 date-time ("2024-01-01T00:00:00Z" -> 2024-01-01)."""
    try:
        return date.fromisoformat(value[:10]) if isinstance(value, str) else None
    except ValueError:
        return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
