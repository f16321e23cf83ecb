"""The example corpus: every manifest under tests/examples/ is a test case.

- `valid/*.yaml` must load, validate without warnings, and pass `foundry-estate validate`.
- `invalid/<case>.yaml` must fail `foundry-estate validate` (exit 1, no traceback) with exactly
  the lines of `invalid/<case>.expected` (the output minus its final summary line).
- `invalid/<case>.xfail`, when present, holds the reason the kit does not yet produce the
  expected output (a known kit bug); the case runs as a strict xfail, so fixing the bug
  turns it into a failure until the `.xfail` file is deleted.

Files in subfolders (such as `bases/`, the targets of `extends`) are not cases of their own.
Paths are relative to the repository root, so expected output does not depend on where
the repository is checked out. To add a case, write `invalid/<case>.yaml`, run
`foundry-estate validate tests/examples/invalid/<case>.yaml` from the repository root, check
every line, and save them (without the summary line) as `invalid/<case>.expected`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from foundry_estate.cli import main as cli
from foundry_estate.validate import load_manifest
from support.examples import REPO
from support.today import PINNED

EXAMPLES = Path("tests") / "examples"
VALID = sorted((REPO / EXAMPLES / "valid").glob("*.yaml"))
INVALID = sorted((REPO / EXAMPLES / "invalid").glob("*.yaml"))
SUMMARY = re.compile(r"^\d+ errors? in 1 file(, \d+ warnings?)?$")


def relative(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def invalid_case(path: Path):
    reason_file = path.with_suffix(".xfail")
    marks = []
    if reason_file.exists():
        marks.append(pytest.mark.xfail(strict=True, reason=reason_file.read_text(encoding="utf-8").strip()))
    return pytest.param(path, id=path.name, marks=marks)


@pytest.fixture(autouse=True)
def at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def run_validate(path: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    code = cli.main(["validate", path])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err, captured.out + captured.err
    return code, captured.out.splitlines(), captured.err


def test_corpus_is_not_empty() -> None:
    assert len(VALID) >= 5 and len(INVALID) >= 20


def test_every_expected_file_has_a_case() -> None:
    invalid = REPO / EXAMPLES / "invalid"
    orphans = [p.name for p in sorted(invalid.glob("*.expected")) + sorted(invalid.glob("*.xfail"))
               if not p.with_suffix(".yaml").exists()]
    assert not orphans, f"no <case>.yaml next to: {orphans}"


@pytest.mark.parametrize("path", VALID, ids=[p.name for p in VALID])
def test_valid_example(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    validated = load_manifest(relative(path), PINNED)
    assert validated.warnings == (), [str(w) for w in validated.warnings]
    code, out, err = run_validate(relative(path), capsys)
    assert code == cli.EXIT_OK, out + [err]
    assert out == [f"1 manifest valid: {relative(path)}"]
    assert err == ""


@pytest.mark.parametrize("path", [invalid_case(p) for p in INVALID])
def test_invalid_example(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_validate(relative(path), capsys)
    expected_file = path.with_suffix(".expected")
    assert expected_file.exists(), f"write {relative(expected_file)}; the checker printed:\n" + "\n".join(out)
    expected = expected_file.read_text(encoding="utf-8").splitlines()
    assert code == cli.EXIT_USER_ERROR, out + [err]
    assert err == ""
    assert out and SUMMARY.match(out[-1]), out
    assert out[:-1] == expected
