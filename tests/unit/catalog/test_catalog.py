"""The model catalog: its data, its rules and the `foundry-estate catalog` command.

Rules are tested twice: as corpus cases (tests/examples/*/catalog-*.yaml, on the suite's date
that tests/conftest.py pins) and here, with "today" injected, at the dates where a version
turns from current to retiring to retired. No test depends on the real date.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from foundry_estate.cli import main as cli
from foundry_estate.catalog.models import CATALOG_FILE, load_catalog, shipped_catalog
from foundry_estate.catalog.checks import CatalogOptions
from foundry_estate.errors import KitError
from foundry_estate.manifest.loader import load
from foundry_estate.manifest.schema import validator
from foundry_estate.validate import validate
from support.examples import REPO
from support.today import TODAY

CORPUS = REPO / "tests" / "examples"
LIFECYCLE_PAGE = "https://learn.microsoft.com/azure/foundry/concepts/model-lifecycle-retirement"
RETIREMENTS_PAGE = "https://learn.microsoft.com/azure/foundry/openai/concepts/model-retirements"


def manifest(deployments: str) -> str:
    return ("version: 1\nlocation: eastus2\nresourceGroup: {name: rg}\naccounts:\n  core:\n    name: aif-test\n"
            "    deployments:\n" + deployments)


GROK_3 = manifest("      grok-3:\n        model: {format: xAI, name: grok-3, version: \"1\"}\n"
                  "        sku: GlobalStandard\n        capacity: 10\n")


def problems(tmp_path: Path, text: str, **options: object) -> list[str]:
    """Every problem `validate` reports for `text`, errors or warnings, as printed."""
    path = tmp_path / "m.yaml"
    path.write_text(text)
    try:
        return [str(p) for p in validate(load(str(path)), CatalogOptions(**{"today": TODAY, **options})).warnings]  # type: ignore[arg-type]
    except KitError as error:
        return [str(p) for p in error.problems]


# --- the data ----------------------------------------------------------------------------

def test_the_catalog_schema_is_a_2020_12_schema_with_descriptions() -> None:
    schema = validator("catalog").schema
    Draft202012Validator.check_schema(schema)
    undocumented = []

    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            for key, value in node.get("properties", {}).items():
                if "description" not in value and "$ref" not in value:  # a $ref'd definition describes itself
                    undocumented.append(f"{where}.{key}")
            for key, value in node.items():
                if key != "if":  # conditions restate properties, they do not define them
                    walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for value in node:
                walk(value, where)

    walk(schema, "$")
    assert not undocumented


def test_the_catalog_file_is_valid_against_its_schema() -> None:
    errors = list(validator("catalog").iter_errors(load(CATALOG_FILE).data))
    assert not errors, [error.message for error in errors]
    assert len(shipped_catalog().models) >= 40


@pytest.mark.parametrize("model_format, name", [
    ("xAI", "grok-3"), ("xAI", "grok-3-mini"), ("xAI", "grok-4"), ("xAI", "grok-4.3"),
    ("OpenAI", "gpt-4o"), ("OpenAI", "gpt-4.1"), ("OpenAI", "gpt-4.1-mini"), ("OpenAI", "gpt-4.1-nano"),
    ("OpenAI", "gpt-5"), ("OpenAI", "o3"), ("OpenAI", "o4-mini"), ("Meta", "Llama-3.3-70B-Instruct"),
    ("Meta", "Llama-4-Maverick-17B-128E-Instruct-FP8"), ("Mistral AI", "Mistral-Large-2411"),
    ("Mistral AI", "mistral-small-2503"), ("DeepSeek", "DeepSeek-R1"), ("DeepSeek", "DeepSeek-V3-0324"),
    ("Microsoft", "Phi-4"), ("Cohere", "Cohere-command-a"), ("Anthropic", "claude-sonnet-4-5"),
])
def test_the_catalog_covers(model_format: str, name: str) -> None:
    assert shipped_catalog().model(model_format, name) is not None


def test_every_replacement_with_a_version_is_itself_in_the_catalog() -> None:
    catalog = shipped_catalog()
    missing = [f"{model.name} {version.version} -> {version.lifecycle.replacement}"
               for model in catalog.models for version in model.versions
               if (r := version.lifecycle.replacement) and r.version
               and not ((target := catalog.model(r.format, r.name)) and target.version(r.version))]
    assert not missing


def test_deprecating_and_retired_versions_say_when() -> None:
    undated = [f"{m.name} {v.version}" for m in shipped_catalog().models for v in m.versions
               if v.lifecycle.status in ("deprecating", "retired") and v.lifecycle.retires is None]
    assert not undated


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_example_stacks_models_are_in_the_catalog_with_their_exact_versions(stack: str) -> None:
    catalog = shipped_catalog()
    for account in load(str(REPO / "stacks" / f"{stack}.yaml")).data["accounts"].values():
        for deployment in account["deployments"].values():
            model = deployment["model"]
            entry = catalog.model(model["format"], model["name"])
            assert entry is not None and entry.version(model["version"]) is not None, model


# --- loading a broken catalog ------------------------------------------------------------

BROKEN_CATALOG = """version: 1
models:
  - {format: xAI, name: grok-3, source: unverified, checked: "2026-02-30", versions: {"1": {lifecycle: {status: ga}}}}
  - {format: xAI, name: grok-3, source: unverified, checked: "2026-01-01", versions: {"1": {lifecycle: {status: retired}}}}
"""


def test_a_broken_catalog_is_reported_at_its_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("catalog.yaml").write_text(BROKEN_CATALOG)
    with pytest.raises(KitError) as caught:
        load_catalog("catalog.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "catalog.yaml:4:93: models[1].versions.1.lifecycle: missing required key 'retires'"]
    Path("catalog.yaml").write_text(BROKEN_CATALOG.replace("status: retired", "status: retired, retires: \"2026-01-02\""))
    with pytest.raises(KitError) as caught:
        load_catalog("catalog.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "catalog.yaml:3:62: models[0].checked: '2026-02-30' is not a date that exists",
        "catalog.yaml:4:25: models[1].name: xAI model 'grok-3' is already listed at line 3"]


# --- the rules, at the dates where they change --------------------------------------------

def test_a_version_is_retired_on_its_retirement_date(tmp_path: Path) -> None:
    assert problems(tmp_path, GROK_3, today=date(2026, 5, 1)) == [
        f"{tmp_path}/m.yaml:9:53: accounts.core.deployments.grok-3.model.version: grok-3 version 1 is retired since "
        f"2026-05-01: use grok-4 version 1 (catalog entry from {LIFECYCLE_PAGE})"]


def test_a_version_retiring_within_the_horizon_is_a_warning_naming_the_replacement(tmp_path: Path) -> None:
    warning = (f"{tmp_path}/m.yaml:9:53: accounts.core.deployments.grok-3.model.version: warning: grok-3 version 1 "
               "retires on 2026-05-01, in {days}: move to grok-4 version 1 before then "
               f"(catalog entry from {LIFECYCLE_PAGE})")
    assert problems(tmp_path, GROK_3, today=date(2026, 4, 30)) == [warning.format(days="1 day")]
    assert problems(tmp_path, GROK_3, today=date(2026, 1, 31)) == [warning.format(days="90 days")]
    assert problems(tmp_path, GROK_3, today=date(2026, 1, 30)) == []
    assert problems(tmp_path, GROK_3, today=date(2026, 4, 1), horizon_days=30) == [warning.format(days="30 days")]
    assert problems(tmp_path, GROK_3, today=date(2026, 3, 31), horizon_days=30) == []


def test_a_retirement_date_can_differ_by_sku(tmp_path: Path) -> None:
    text = manifest("      batch:\n        model: {format: OpenAI, name: gpt-4o-mini, version: \"2024-07-18\"}\n"
                    "        sku: {sku}\n        capacity: 10\n")
    assert problems(tmp_path, text.replace("{sku}", "Standard"), today=date(2026, 4, 1)) == [
        f"{tmp_path}/m.yaml:9:61: accounts.core.deployments.batch.model.version: gpt-4o-mini version 2024-07-18 is "
        f"retired in Standard since 2026-03-31: use gpt-5-mini version 2025-08-07 (catalog entry from {RETIREMENTS_PAGE})"]
    assert problems(tmp_path, text.replace("{sku}", "GlobalStandard"), today=date(2026, 4, 1)) == []


def test_without_a_replacement_the_message_points_at_the_catalog(tmp_path: Path) -> None:
    text = manifest("      o3:\n        model: {format: OpenAI, name: o3, version: \"2025-04-16\"}\n"
                    "        sku: GlobalStandard\n        capacity: 10\n")
    assert problems(tmp_path, text, today=date(2026, 10, 16)) == [
        f"{tmp_path}/m.yaml:9:52: accounts.core.deployments.o3.model.version: o3 version 2025-04-16 is retired since "
        f"2026-10-16: choose a current model (foundry-estate catalog lists them) (catalog entry from {RETIREMENTS_PAGE})"]
    assert problems(tmp_path, text, today=date(2026, 10, 6)) == [
        f"{tmp_path}/m.yaml:9:52: accounts.core.deployments.o3.model.version: warning: o3 version 2025-04-16 retires on "
        f"2026-10-16, in 10 days: plan a move to a current model before then (catalog entry from {RETIREMENTS_PAGE})"]


REPLACEMENTS_CATALOG = """version: 1
models:
  - format: OpenAI
    name: gpt-4o
    source: https://example.com/gpt-4o
    checked: "2026-01-01"
    versions:
      "2024-05-13": {lifecycle: {status: retired, retires: "2025-06-30", replacement: {name: gpt-4o, version: "2024-11-20"}}}
      "2024-11-20": {lifecycle: {status: ga}}
  - format: Microsoft
    name: MAI-DS-R1
    source: unverified
    checked: "2026-01-01"
    versions:
      "1": {lifecycle: {status: retired, retires: "2026-02-27", replacement: {format: DeepSeek, name: DeepSeek-R1}}}
"""


def test_a_replacement_is_named_as_briefly_as_it_can_be(tmp_path: Path) -> None:
    (tmp_path / "models.yaml").write_text(REPLACEMENTS_CATALOG)
    catalog = load_catalog(str(tmp_path / "models.yaml"))
    text = manifest("      chat:\n        model: {format: OpenAI, name: gpt-4o, version: \"2024-05-13\"}\n"
                    "        sku: GlobalStandard\n        capacity: 10\n"
                    "      reasoning:\n        model: {format: Microsoft, name: MAI-DS-R1, version: \"1\"}\n"
                    "        sku: GlobalStandard\n        capacity: 10\n")
    assert problems(tmp_path, text, today=date(2026, 3, 1), catalog=catalog) == [
        f"{tmp_path}/m.yaml:9:56: accounts.core.deployments.chat.model.version: gpt-4o version 2024-05-13 is retired since "
        "2025-06-30: use version 2024-11-20 (catalog entry from https://example.com/gpt-4o)",
        f"{tmp_path}/m.yaml:13:62: accounts.core.deployments.reasoning.model.version: MAI-DS-R1 version 1 is retired since "
        "2026-02-27: use DeepSeek-R1 (format DeepSeek) (catalog entry not verified against a source)"]


def test_a_retired_version_is_reported_once_not_for_its_sku_and_capacity_too(tmp_path: Path) -> None:
    text = manifest("      ptu:\n        model: {format: OpenAI, name: gpt-4.1, version: \"2025-04-14\"}\n"
                    "        sku: GlobalProvisionedManaged\n        capacity: 7\n")
    assert [p.split(": ", 2)[1] for p in problems(tmp_path, text, today=date(2026, 11, 1))] == [
        "accounts.core.deployments.ptu.model.version"]
    assert [p.split(": ", 2)[1] for p in problems(tmp_path, text, today=date(2025, 11, 1))] == [
        "accounts.core.deployments.ptu.capacity"]


def test_an_sku_the_version_is_offered_in_passes(tmp_path: Path) -> None:
    assert problems(tmp_path, GROK_3.replace("GlobalStandard", "DataZoneStandard"), today=date(2025, 10, 1)) == []
    assert problems(tmp_path, GROK_3.replace("GlobalStandard", "GlobalBatch"), today=date(2025, 10, 1)) == [
        f"{tmp_path}/m.yaml:10:14: accounts.core.deployments.grok-3.sku: grok-3 version 1 is not offered in GlobalBatch: "
        "use GlobalStandard or DataZoneStandard (catalog entry from "
        "https://learn.microsoft.com/azure/foundry/foundry-models/concepts/models-sold-directly-by-azure)"]


def test_unknown_models_warn_and_strict_makes_them_errors(tmp_path: Path) -> None:
    text = GROK_3.replace("name: grok-3,", "name: grok-3-max,")
    message = (f"{tmp_path}/m.yaml:9:36: accounts.core.deployments.grok-3.model.name: {{}}xAI model 'grok-3-max' is not "
               "in the kit's catalog (did you mean 'grok-3-mini'?): check the name, or add the model to catalog/models.yaml")
    assert problems(tmp_path, text, today=date(2025, 10, 1)) == [message.format("warning: ")]
    assert problems(tmp_path, text, today=date(2025, 10, 1), strict=True) == [message.format("")]


# --- the command line ---------------------------------------------------------------------

@pytest.fixture
def at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    code = cli.main(argv)
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def test_validate_strict_turns_the_corpus_warnings_into_errors(at_repo_root: None, capsys: pytest.CaptureFixture[str]) -> None:
    case = "tests/examples/invalid/catalog-unknown-models.yaml"
    expected = (CORPUS / "invalid" / "catalog-unknown-models.expected").read_text(encoding="utf-8").splitlines()
    code, out, _err = run(["validate", "--strict", case], capsys)
    assert code == cli.EXIT_USER_ERROR
    assert out == [line.replace(": warning: ", ": ") for line in expected] + ["5 errors in 1 file"]


def test_validate_horizon_widens_the_warning_window(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    Path("m.yaml").write_text(manifest("      mistral:\n        model: {format: Mistral AI, name: Mistral-Large-2411, "
                                       "version: \"2\"}\n        sku: GlobalStandard\n        capacity: 1\n"))
    assert run(["validate", "m.yaml"], capsys) == (0, ["1 manifest valid: m.yaml"], "")
    assert run(["validate", "--horizon", "150", "m.yaml"], capsys) == (0, [
        "m.yaml:9:72: accounts.core.deployments.mistral.model.version: warning: Mistral-Large-2411 version 2 retires on "
        "2026-01-30, in 121 days: move to mistral-medium-2505 version 1 before then "
        f"(catalog entry from {LIFECYCLE_PAGE})",
        "1 manifest valid (1 warning): m.yaml"], "")


def test_validate_refuses_a_negative_horizon(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["validate", "--horizon", "-5"])
    assert caught.value.code == 2
    assert "'-5' is not a number of days (0 or more)" in capsys.readouterr().err


def test_a_malformed_today_is_a_user_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FOUNDRY_KIT_TODAY", "next tuesday")
    Path("m.yaml").write_text(GROK_3)
    assert run(["validate", "m.yaml"], capsys) == (1, [], (  # read once, where the command resolves the project
        "FOUNDRY_KIT_TODAY:1:1: 'next tuesday' is not a date: write it YYYY-MM-DD, or unset it\n"))


def test_the_pulumi_program_stops_on_catalog_errors(tmp_path: Path) -> None:
    import pulumi

    from foundry_estate.preview.engine import run_program

    path = tmp_path / "retired.yaml"
    path.write_text(GROK_3.replace("name: grok-3,", "name: DeepSeek-V3,").replace("format: xAI", "format: DeepSeek"))
    with pytest.raises(pulumi.RunError) as caught:
        run_program("dev", {"foundry-kit:manifest": str(path)})
    assert str(caught.value) == (
        f"the manifest is not valid:\n{path}:9:63: accounts.core.deployments.grok-3.model.version: DeepSeek-V3 version 1 "
        f"is retired since 2025-08-31: use DeepSeek-V3-0324 version 1 (catalog entry from {LIFECYCLE_PAGE})")


SMALL_CATALOG = """version: 1
models:
  - format: xAI
    name: grok-3
    source: https://example.com/grok
    checked: "2026-01-01"
    capacity: {GlobalStandard: {defaultQuota: {tokensPerMinute: 400000}}}
    versions:
      "1":
        skus: [GlobalStandard, DataZoneStandard]
        lifecycle: {status: deprecating, deprecates: "2026-04-01", retires: "2026-05-01", replacement: {name: grok-4, version: "1"}}
  - format: xAI
    name: grok-4
    source: unverified
    checked: "2026-01-01"
    versions:
      "1": {lifecycle: {status: ga}}
"""


@pytest.fixture
def small_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "models.yaml").write_text(SMALL_CATALOG)
    catalog = load_catalog(str(tmp_path / "models.yaml"))
    monkeypatch.setattr("foundry_estate.cli.commands.catalog.shipped_catalog", lambda: catalog)


def test_catalog_lists_every_version_as_text(small_catalog: None, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    header = "MODEL   FORMAT  VERSION  LIFECYCLE                                   SKUS"
    assert run(["catalog"], capsys) == (0, [
        header,
        "grok-3  xAI     1        ga, retires 2026-05-01 -> grok-4 version 1  GlobalStandard, DataZoneStandard",
        "grok-4  xAI     1        ga                                          not listed",
        "2 models, 2 versions in catalog/models.yaml (lifecycle as of 2025-10-01)"], "")
    monkeypatch.setenv("FOUNDRY_KIT_TODAY", "2026-05-01")
    assert run(["catalog"], capsys)[1][1] == (
        "grok-3  xAI     1        retired since 2026-05-01 -> grok-4 version 1  GlobalStandard, DataZoneStandard")


def test_catalog_lists_every_version_as_json(small_catalog: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["catalog", "--format", "json"], capsys)
    assert (code, err) == (0, "")
    report = json.loads("\n".join(out))
    assert report["today"] == "2025-10-01"
    assert report["versions"][0] == {
        "model": "grok-3", "format": "xAI", "version": "1", "lifecycle": "ga",
        "deprecates": "2026-04-01", "retires": "2026-05-01", "retiresBySku": {},
        "replacement": {"format": "xAI", "name": "grok-4", "version": "1"},
        "skus": ["GlobalStandard", "DataZoneStandard"],
        "capacity": {"GlobalStandard": {"minimum": None, "increment": None,
                                        "defaultQuota": {"tokensPerMinute": 400000, "requestsPerMinute": None}}},
        "source": "https://example.com/grok", "lifecycleSource": "https://example.com/grok", "checked": "2026-01-01"}
    assert report["versions"][1]["skus"] is None and report["versions"][1]["source"] == "unverified"


def test_catalog_lists_the_shipped_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(["catalog"], capsys)
    assert code == 0
    assert out[0].split() == ["MODEL", "FORMAT", "VERSION", "LIFECYCLE", "SKUS"]
    assert any(line.split()[:4] == ["grok-3", "xAI", "1", "ga,"] for line in out)
    assert out[-1].endswith("versions in catalog/models.yaml (lifecycle as of 2025-10-01)")


# --- nothing the kit suggests or approves is itself retired --------------------------------------

def _retired_on(catalog, model_format: str, name: str, version: str | None, day: date) -> bool:
    entry = catalog.model(model_format, name)
    assert entry is not None, f"{model_format} {name} is not in the catalog"
    versions = [entry.version(version)] if version else list(entry.versions)
    assert all(versions), f"{name} has no version {version} in the catalog"
    return all((v.lifecycle.retirement(None) or date.max) <= day for v in versions)


def test_no_replacement_the_catalog_suggests_is_retired_on_the_catalog_s_date() -> None:
    catalog = shipped_catalog()
    day = max(model.checked for model in catalog.models)  # the catalog's own date: its latest check
    retired = [f"{model.name} {version.version} -> {version.lifecycle.replacement}"
               for model in catalog.models for version in model.versions if version.lifecycle.replacement
               if _retired_on(catalog, version.lifecycle.replacement.format, version.lifecycle.replacement.name,
                              version.lifecycle.replacement.version, day)]
    assert retired == []


def test_no_model_the_shipped_guardrails_approve_is_retired_on_the_catalog_s_date() -> None:
    from foundry_estate.guardrails import load_guardrails

    catalog = shipped_catalog()
    day = max(model.checked for model in catalog.models)
    guardrails = load_guardrails()
    approved = set()
    for environment in ("prod", "dev"):
        for rule in guardrails.for_environment(environment):
            if rule.check == "deployment-approved-model":
                approved |= set(rule.parameters["models"])
    assert approved
    retired = sorted(name for name in approved
                     if all(_retired_on(catalog, m.format, m.name, None, day) for m in catalog.named(name) if m.name == name))
    assert retired == []


def test_a_legacy_model_is_retired_with_its_replacement_not_unknown(tmp_path: Path) -> None:
    text = manifest("      chat:\n        model: {format: OpenAI, name: gpt-35-turbo, version: \"0301\"}\n"
                    "        sku: Standard\n        capacity: 10\n")
    assert problems(tmp_path, text, today=date(2026, 11, 28)) == [
        f"{tmp_path}/m.yaml:9:62: accounts.core.deployments.chat.model.version: gpt-35-turbo version 0301 is retired since 2025-02-13: "
        "use gpt-5-mini version 2025-08-07 (catalog entry from "
        "https://learn.microsoft.com/azure/foundry/openai/concepts/model-retirements)"]
