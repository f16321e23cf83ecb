"""Messages that never leak or flood: a value a message quotes is shown with a secret redacted and
a long value shortened with its size; the schema never walks a collection already too large; a
file that is not a regular file (a named pipe, a device) is refused like a folder."""

from __future__ import annotations

import os
import subprocess
import sys
from urllib.parse import unquote

import pytest

from foundry_estate.cli import main as cli
from foundry_estate.manifest.loader import load
from foundry_estate.manifest.quoting import _COMMIT_ID, _PARTS, _detectors, quote, secret_kind
from foundry_estate.manifest.schema import schema_problems
from support.examples import REPO

KEY = "sk-proj-k9Q2mX7vB4nL8pR1sT6wY3zC5dF0gH2jK4lM"
SECRETS_IN_KEYS = REPO / "tests" / "examples" / "invalid" / "secrets-in-keys.yaml"  # .expected: its exact messages


def test_a_schema_message_shows_the_secret_it_rejects_redacted() -> None:
    document = load("stacks/x.yaml", "version: 1\nlocation: eastus2\nresourceGroup: {name: rg}\naccounts:\n  core:\n"
                                     "    name: aif-x\n    roleAssignments:\n"
                                     f"      - {{principalId: {KEY}, principalType: Group, role: Azure AI User}}\n")
    assert [str(problem) for problem in schema_problems(document)] == [
        "stacks/x.yaml:8:23: accounts.core.roleAssignments[0].principalId: <redacted: 44 characters that look like a "
        "secret> is not valid: expected a GUID such as 00000000-0000-0000-0000-000000000000"]


@pytest.mark.parametrize("report", ["text", "json", "github"])
def test_secrets_as_keys_are_errors_that_no_report_repeats(report, capsys, monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    assert cli.main(["validate", "--format", report, str(SECRETS_IN_KEYS.relative_to(REPO))]) == 1
    out = capsys.readouterr().out
    assert out.count("this key looks like a secret") == (4 if report == "github" else 2)
    for secret in ("Zq8kP3xJ2mN9vL4tR7wY1cE6hB5dA0sFk9Q2", "k9Q2mX7vB4nL8pR1sT6wY3zC5dF0gH2jK4lM",
                   "Xb7Tq2LmN9vR4kP8sW1yC6hD3fG5jZ0a"):
        assert secret not in out


@pytest.mark.parametrize("commit", ["3f786850e387550fdab836ed7d6dc881de23001b",
                                    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"])
def test_a_git_commit_id_is_not_a_secret(commit: str) -> None:
    assert secret_kind(commit) is None
    assert secret_kind(f"deployed from {commit}") is None
    assert secret_kind(commit.upper()) == "Hex High Entropy String"  # git writes lowercase: this is something else


def test_a_long_value_is_shortened_with_its_size() -> None:
    assert quote("x" * 10_000) == "'" + "x" * 199 + "… (10,000 characters)"
    tags = {f"k{number:07d}": "v" for number in range(200_000)}
    shown = quote(tags)
    assert shown.startswith('{"k0000000": "v", "k0000001": "v", ') and shown.endswith("… (a mapping of 200,000 keys)")
    assert len(shown) < 240
    assert quote(["a", {"key": KEY}]) == '["a", {"key": <redacted: 44 characters that look like a secret>}]'
    assert quote("eastus2") == "'eastus2'" and quote(40) == "40"


ACCOUNTS = "accounts: {core: {name: aif-x, deployments: {}}}\n"


def _validate(tmp_path, text: str, capsys) -> list[str]:
    (tmp_path / "big.yaml").write_text(text + ACCOUNTS)
    assert cli.main(["validate", str(tmp_path / "big.yaml")]) == 1
    out, err = capsys.readouterr()
    assert err == ""
    return out.splitlines()


def test_a_map_of_thousands_of_tags_is_one_short_line(tmp_path, capsys) -> None:
    tags = "".join(f"  k{number:05d}: value\n" for number in range(5_000))
    out = _validate(tmp_path, f"version: 1\nlocation: eastus2\nresourceGroup: {{name: rg}}\ntags:\n{tags}"
                              "", capsys)
    assert out == [f"{tmp_path}/big.yaml:5:3: tags: has 5,000 keys: at most 50 allowed", "1 error in 1 file"]


@pytest.mark.parametrize("length, message", [
    (10_000, "is 10,000 characters long: at most 256 allowed"),
    (100_000, "is 100,000 characters long: no manifest value is longer than 65,536 (the longest the kit scans for secrets)"),
])
def test_a_long_tag_value_is_its_size_not_its_text(tmp_path, capsys, length: int, message: str) -> None:
    out = _validate(tmp_path, f"version: 1\nlocation: eastus2\nresourceGroup: {{name: rg}}\ntags:\n  note: {'n' * length}\n",
                    capsys)
    assert out == [f"{tmp_path}/big.yaml:5:9: tags.note: {message}", "1 error in 1 file"]


def test_the_quick_secret_scan_agrees_with_detect_secrets() -> None:
    """secret_kind runs one search for all of detect-secrets' patterns first and skips the entropy
    of a string with too few distinct characters to pass the limit: the verdicts are those of the
    detectors run one by one on every string."""
    patterns, _any, entropies = _detectors()

    def one_by_one(value: str) -> str | None:
        for detector in patterns:
            if any(True for _ in detector.analyze_string(value)):
                return str(detector.secret_type)
        for part in _PARTS.split(value):
            part = unquote(part.split("=", 1)[1] if "=" in part.rstrip("=") else part)
            if len(part) >= 16 and not _COMMIT_ID.fullmatch(part):
                for detector in entropies:
                    if any(detector.calculate_shannon_entropy(found) > detector.entropy_limit
                           for found in detector.analyze_string(f'"{part}"')):
                        return str(detector.secret_type)
        return None

    samples = {line.split(":", 1)[1].strip().strip('"') for path in (REPO / "tests" / "examples").rglob("*.yaml")
               for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if ":" in line}
    samples |= {"AKIAIOSFODNN7EXAMPLE", "xoxb-123456789012-1234567890123-abcdefghijklmnopqrstuvwx",
                "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "sk_live_abcdefghijklmnopqrstuvwx", KEY,
                "Zq8kP3xJ2mN9vL4tR7wY1cE6hB5dA0sF", "aif-contoso-prod-eus2-playground"}
    samples = {sample for sample in samples if len(sample) >= 16}
    assert len(samples) > 100
    for value in samples:
        assert secret_kind(value) == one_by_one(value), value
