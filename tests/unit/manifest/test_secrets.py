"""Secrets pasted into a manifest: an error at the value, in every report format, never echoing it."""

from __future__ import annotations

import json

import pytest

from foundry_estate.cli import main as cli
from foundry_estate.validate.checks.secrets import secret_kind
from support.examples import REPO

CASE = REPO / "tests" / "examples" / "invalid" / "secrets-in-values.yaml"  # its exact messages: secrets-in-values.expected
SECRETS = ["Zq8kP3xJ2mN9vL4tR7wY1cE6hB5dA0sF", "k9Q2mX7vB4nL8pR1sT6wY3zC5dF0gH2jK4lM", "Qm9ndXNTaWduYXR1cmVGb3JUZXN0",
           "MIIEowIBAAKCAQEAtest"]


@pytest.mark.parametrize("report", ["text", "json", "github"])
def test_no_report_repeats_the_secret(report: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    assert cli.main(["validate", "--format", report, str(CASE.relative_to(REPO))]) == 1
    out = capsys.readouterr().out
    assert out.count("looks like a secret") == (8 if report == "github" else 4)  # github: annotation and line
    assert not [secret for secret in SECRETS if secret in out]
    if report == "json":
        lines = [problem["line"] for problem in json.loads(out)["files"][0]["problems"]]
        assert lines == [6, 12, 13, 14]


@pytest.mark.parametrize("value", [
    "/subscriptions/9f1c2b3a-4d5e-6f70-8192-a3b4c5d6e7f8/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st",
    "9f1c2b3a-4d5e-6f70-8192-a3b4c5d6e7f8",
    "aif-contoso-prod-eus2",
    "Models: grok-4 and gpt-5.1 for the playground",
    r"\b(?:\d[ -]?){13,16}\b",
    "198.51.100.123/32",
    "azureml://registries/azureml/models/Phi-4/versions/7",
    "https://aif-contoso-prod.cognitiveservices.azure.com/",
])
def test_what_manifests_hold_on_purpose_is_not_a_secret(value: str) -> None:
    assert secret_kind(value) is None


@pytest.mark.parametrize("value, kind", [
    ("Endpoint=https://x.openai.azure.com/;Key=0123456789abcdef0123456789abcdef", "Hex High Entropy String"),
    ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
     "JSON Web Token"),
    ("-----BEGIN OPENSSH PRIVATE KEY-----", "Private Key"),
])
def test_keys_tokens_and_connection_strings_are(value: str, kind: str) -> None:
    assert secret_kind(value) == kind
