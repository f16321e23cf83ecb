"""Azure's models and usages lists, read offline: the parsers on the official example responses
of the REST spec (vendored in tests/data/arm-spec/), and `catalog refresh` on a fake models list."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

from foundry_estate.cli import main as cli
from foundry_estate.live import client as live
from foundry_estate.azure.lists import LiveModel, LiveSku, LiveUsage, parse_models, parse_usages
from foundry_estate.catalog.models import load_catalog
from foundry_estate.catalog.refresh import refresh
from foundry_estate.manifest.loader import load
from support import arm_spec

EXAMPLES = os.path.join(os.path.dirname(arm_spec.SPEC), "examples")


def example(name: str) -> dict:
    """The 200 response body of the spec's example `name` (vendored: a missing one fails)."""
    with open(os.path.join(EXAMPLES, name), encoding="utf-8") as handle:
        return json.load(handle)["responses"]["200"]["body"]


def test_usages_list_example() -> None:  # Usages_List
    usages = parse_usages(example("ListUsages.json"))
    assert usages == {"AccountCount": LiveUsage("AccountCount", "Cognitive Services total account limit", 3, 200, "Count")}
    assert usages["AccountCount"].free == 197


ADA = LiveModel("OpenAI", "ada.1", "1", None, date(2024, 1, 1), ())
DAVINCI = LiveModel("OpenAI", "davinci", "1", None, date(2024, 1, 1), ())


def test_account_models_list_example() -> None:  # Accounts_ListModels: value[] of AccountModel
    assert parse_models(example("ListAccountModels.json")) == [ADA, DAVINCI]


def test_location_models_list_shape_on_the_account_models_example() -> None:
    """Models_List wraps each AccountModel in {model, kind, skuName} (the spec's `Model`), and lists a model
    once per account kind: read as one model with the SKUs of both."""
    body = example("ListAccountModels.json")
    wrapped = [{"model": item, "kind": kind, "skuName": "S0"} for item in body["value"] for kind in ("OpenAI", "AIServices")]
    assert parse_models({"value": wrapped}) == [ADA, DAVINCI]
    skus = {"OpenAI": [{"name": "Standard", "usageName": "OpenAI.Standard.davinci"}],
            "AIServices": [{"name": "GlobalStandard", "deprecationDate": "2025-03-01T00:00:00Z"}, {"name": "Standard"}]}
    wrapped = [{"model": {**body["value"][1], "skus": skus[kind], "lifecycleStatus": "GenerallyAvailable"}, "kind": kind}
               for kind in skus]
    model, = parse_models(wrapped)
    assert model.lifecycle == "ga"
    assert model.skus == (LiveSku("Standard", "OpenAI.Standard.davinci", None), LiveSku("GlobalStandard", None, date(2025, 3, 1)))


def test_values_of_the_wrong_shape_read_as_absent() -> None:
    assert parse_models({"value": [None, 3, {"model": {"name": "x"}}, {"format": "OpenAI", "name": "y", "version": "1",
                                                                         "skus": "no", "lifecycleStatus": ["?"],
                                                                         "deprecation": {"inference": "soon"}}]}) == \
        [LiveModel("OpenAI", "y", "1", None, None, ())]
    assert parse_usages({"value": [{"name": "x"}, {"name": {"value": "y"}, "currentValue": True, "limit": 1}]}) == {}
    assert parse_models({"nextLink": "..."}) == [] and parse_usages("nonsense") == {}


# --- catalog refresh ----------------------------------------------------------------------------

CATALOG = """version: 1
models:
  - format: xAI
    name: grok-4
    source: https://example.com/grok
    checked: "2025-09-01"
    versions:
      "1":
        skus: [GlobalStandard]
        lifecycle: {status: ga}
  - format: OpenAI
    name: gpt-4.1
    source: https://example.com/gpt
    checked: "2025-09-01"
    versions:
      "2025-04-14":
        skus: [GlobalStandard]
        lifecycle: {status: ga, retires: "2026-04-14"}
      "2024-01-01":
        lifecycle: {status: deprecating, retires: "2026-01-01"}
  - format: Meta
    name: Llama-3.3-70B-Instruct
    source: https://example.com/llama
    checked: "2025-09-01"
    versions:
      "1": {lifecycle: {status: ga}}
"""


def live_models() -> list[LiveModel]:
    def skus(*names: str) -> tuple[LiveSku, ...]:
        return tuple(LiveSku(name, f"AIServices.{name}", None) for name in names)
    return [
        LiveModel("xAI", "grok-4", "1", "ga", None, skus("GlobalStandard", "DataZoneStandard", "DeveloperTier")),
        LiveModel("xAI", "grok-4", "2", "preview", date(2027, 1, 31), skus("GlobalStandard")),
        LiveModel("OpenAI", "gpt-4.1", "2025-04-14", "deprecating", date(2026, 10, 14),
                  skus("GlobalStandard") + (LiveSku("Standard", None, date(2026, 3, 31)),)),
        LiveModel("OpenAI", "whisper", "001", "ga", None, skus("Standard")),
        LiveModel("Contoso", "in-house", "1", "ga", None, ()),
    ]


def test_refresh_reports_what_differs_with_edits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("models.yaml").write_text(CATALOG)
    found = refresh(load("models.yaml"), load_catalog("models.yaml"), live_models(), "eastus2", date(2025, 10, 1))
    assert [str(d) for d in found.differences] == [
        "xAI grok-4 version 1: offered in DataZoneStandard in eastus2, which the catalog's skus leave out",
        "xAI grok-4 version 2: offered in eastus2, not in the catalog",
        "OpenAI gpt-4.1 version 2025-04-14: offered in Standard in eastus2, which the catalog's skus leave out",
        "OpenAI gpt-4.1 version 2025-04-14: deprecating in eastus2, ga in the catalog (as of 2025-10-01)",
        "OpenAI gpt-4.1 version 2025-04-14: Azure retires it on 2026-10-14; the catalog says 2026-04-14",
        "OpenAI gpt-4.1 version 2025-04-14: Azure retires it in Standard on 2026-03-31; the catalog says 2026-04-14",
        "OpenAI gpt-4.1 version 2024-01-01: not in the models list of eastus2 (offered elsewhere, or retired)",
        "Meta Llama-3.3-70B-Instruct: not in the models list of eastus2",
    ]
    assert [str(d.edit) for d in found.differences if d.edit] == [
        "models.yaml:9:15: models[0].versions.1.skus: set to [GlobalStandard, DataZoneStandard]",
        'models.yaml:7:5: models[0].versions: add\n      "2":\n        skus: [GlobalStandard]\n'
        '        lifecycle: {status: preview, retires: "2027-01-31"}',
        "models.yaml:17:15: models[1].versions.2025-04-14.skus: set to [GlobalStandard, Standard]",
        "models.yaml:18:29: models[1].versions.2025-04-14.lifecycle.status: set to deprecating",
        'models.yaml:18:42: models[1].versions.2025-04-14.lifecycle.retires: set "2026-10-14"',
        'models.yaml:18:20: models[1].versions.2025-04-14.lifecycle: add to retiresBySku: {Standard: "2026-03-31"}',
    ]
    assert found.untracked == ("OpenAI whisper",)  # "Contoso" is no format the catalog knows


def test_catalog_refresh_command(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    class FakeAzure:
        def __init__(self, subscription: str, endpoint: str | None = None, timeout: float | None = None):
            self.subscription = subscription

        def models(self, location: str) -> list[dict]:
            sku = {"name": "GlobalStandard", "usageName": "AIServices.GlobalStandard.grok-4"}
            return [{"model": {"format": "xAI", "name": "grok-4", "version": "2", "skus": [sku],
                               "lifecycleStatus": "Preview"}, "kind": "AIServices"}]

    monkeypatch.setattr(live, "connect", FakeAzure)
    assert cli.main(["catalog", "refresh", "--subscription", "s", "--location", "eastus2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "catalog/models.yaml against the models list of eastus2 (subscription s):"
    assert "  xAI grok-4 version 1: not in the models list of eastus2 (offered elsewhere, or retired)" in out
    assert "  xAI grok-4 version 2: offered in eastus2, not in the catalog" in out
    edit = out.index(next(line for line in out if line.endswith("models[2].versions: add")))
    assert out[edit:edit + 4] == [out[edit], '      "2":', "        skus: [GlobalStandard]", "        lifecycle: {status: preview}"]
    assert cli.main(["catalog", "refresh", "--subscription", "s", "--location", "eastus2", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    added, = [d for d in report["differences"] if d["version"] == "2"]
    assert added["edit"]["path"] == "models[2].versions" and added["edit"]["file"] == "catalog/models.yaml"
