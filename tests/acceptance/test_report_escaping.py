"""Reports quote manifest values without letting them act: a value holding a newline and
`::error file=...` does not become a command to the GitHub runner, and a value holding HTML, a
link or an @mention is text in the markdown of a PR comment (rendered here by cmarkgfm, the
bindings to GitHub's own cmark-gfm)."""

from __future__ import annotations

import json
import re
import subprocess

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from foundry_estate.cli import main as cli
from foundry_estate.cli import markdown as md
from support.examples import copy_examples

HOSTILE = ("x\n::error file=stacks/prod.yaml,line=1::pwned\r\n  ::warning::indented ##[error]legacy "
           "<img src=x onerror=alert(1)> <script>alert(1)</script> [click](https://evil.example) "
           "https://evil.example www.evil.example @octocat @contoso/admins mail@evil.example #1 a|b "
           "``` </details> \u2028::notice::separated")
SHORT = "x\n::error file=stacks/prod.yaml,line=1::pwned <img src=x onerror=alert(1)> [c](https://evil.example) @octocat ``` </details>"  # a tag's 256


def runner_commands(output: str) -> list[str]:
    """The workflow commands GitHub's runner would take from `output`, as its
    ActionCommandManager reads a step's log (actions/runner, src/Runner.Worker/ActionCommandManager.cs
    and src/Runner.Common/ActionCommand.cs): `::name ...::` at the start of a line after leading
    white space, else `##[name ...]` anywhere in it; after `::stop-commands::TOKEN` only `::TOKEN::`."""
    commands, stopped = [], None
    for line in re.split(r"\r\n|\r|\n", output):
        stripped = line.lstrip()
        v2 = re.match(r"::([^ :]*)[^:]*::", stripped) if stripped.startswith("::") else None
        v1 = re.search(r"##\[([^ \]]*)[^\]]*\]", line)
        name = v2.group(1) if v2 else v1.group(1) if v1 else None
        if name is None:
            continue
        if stopped is not None:
            if name == stopped:
                commands.append("resume")
                stopped = None
            continue
        if name == "stop-commands":
            stopped = stripped.split("::")[2]
            commands.append("stop-commands")
            continue
        commands.append(name)
    return commands


def hostile_manifest(path) -> None:
    path.write_text(
        "version: 1\nlocation: eastus2\nresourceGroup: {name: rg}\naccounts:\n  core:\n    name: aif-x\n"
        "    deployments:\n      chat:\n"
        f"        model: {{format: xAI, name: {_quoted(HOSTILE)}, version: '1'}}\n"
        "        sku: GlobalStandard\n        capacity: five\n", encoding="utf-8")


def _quoted(value: str) -> str:
    return '"' + value.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'


def test_the_runner_takes_only_the_kits_annotations_from_the_github_report(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    hostile_manifest(tmp_path / "hostile.yaml")
    assert cli.main(["validate", "--format", "github", "hostile.yaml"]) == 1
    out = capsys.readouterr().out
    assert runner_commands(out) == ["warning", "error", "stop-commands", "resume"]
    lines = out.rstrip("\n").split("\n")  # as the runner reads lines (the data may hold a raw U+2028)
    assert lines[0].startswith("::warning file=hostile.yaml,line=9,col=36,title=foundry-estate::"
                               "accounts.core.deployments.chat.model.name: xAI model 'x%0A::error file=")
    token = lines[2].removeprefix("::stop-commands::")
    assert re.fullmatch(r"[0-9a-f]{32}", token) and lines[-1] == f"::{token}::"
    # the plain report between them: one line per problem, the value's line breaks written as \n
    assert lines[3:-1] == [
        "hostile.yaml:9:36: accounts.core.deployments.chat.model.name: warning: xAI model "
        f"'{HOSTILE}' is not in the kit's catalog: check the name, or add the model to catalog/models.yaml"
        .replace("\r", "\\r").replace("\n", "\\n").replace("\u2028", "\\u2028"),
        "hostile.yaml:11:19: accounts.core.deployments.chat.capacity: expected an integer, got the string 'five'",
        "1 error in 1 file, 1 warning",
    ]


def test_the_stop_token_is_new_on_every_run(tmp_path, monkeypatch, capsys) -> None:
    """A token a value could know in advance would let it resume the commands."""
    monkeypatch.chdir(tmp_path)
    hostile_manifest(tmp_path / "hostile.yaml")
    tokens = set()
    for _ in range(2):
        cli.main(["validate", "--format", "github", "hostile.yaml"])
        tokens.add(next(line for line in capsys.readouterr().out.splitlines() if line.startswith("::stop-commands::")))
    assert len(tokens) == 2


@pytest.mark.parametrize("report", ["text", "json"])
def test_no_other_report_starts_a_command_line(tmp_path, monkeypatch, capsys, report) -> None:
    monkeypatch.chdir(tmp_path)
    hostile_manifest(tmp_path / "hostile.yaml")
    cli.main(["validate", "--format", report, "hostile.yaml"])
    out = capsys.readouterr().out
    assert [line for line in out.splitlines() if line.lstrip().startswith("::")] == []


def _rendered(markdown: str) -> str:
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


def _mentions(html: str) -> list[str]:
    """What GitHub's mention filter would link: `@name` or `@org/team` in text outside code."""
    text = re.sub(r"<code>.*?</code>", "", html, flags=re.S)
    return re.findall(r"(?<![\w`])@[A-Za-z0-9][A-Za-z0-9-]*", text)


def test_markdown_text_renders_as_the_characters_it_quotes() -> None:
    html = _rendered(f"- {md.text(HOSTILE)}")
    assert re.findall(r"<(?!/?(?:ul|li|code)>)[^>]*>", html) == []  # no tag but the list's and code's
    assert "<a " not in html and _mentions(html) == []
    assert html.count("\n") == 3, "one list item on one line"
    plain = re.sub(r"<[^>]+>", "", html).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert plain.replace(md.ZERO_WIDTH_SPACE, "").strip() == (
        HOSTILE.replace("\r", "\\r").replace("\n", "\\n").replace("\u2028", "\\u2028"))


def test_markdown_keeps_the_kits_code_spans() -> None:
    assert md.text("run `pulumi destroy --stack team_a` first, dear @ops") == (
        "run `pulumi destroy --stack team_a` first, dear @\u200bops")
    assert md.code("a ``` b") == "````a ``` b````" and md.code("`x`") == "`` `x` ``"
    assert md.fence(["~~~", "````"]) == "`````"


def _git(root, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=root, check=True,
                   capture_output=True)


def test_a_hostile_tag_in_the_pr_comment_is_text(tmp_path, monkeypatch, capsys) -> None:
    """A tag value changed to HTML, links, mentions and a code fence: the markdown diff renders
    it as text, inside the comment's own structure (its <details> block closes where the kit's does)."""
    copy_examples(tmp_path)
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "base")
    prod = tmp_path / "stacks" / "prod.yaml"
    prod.write_text(prod.read_text(encoding="utf-8").replace("tags: {environment: prod}",
                                                              f"tags: {{environment: prod, owner: {_quoted(SHORT)}}}"),
                    encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["diff", "--base", "HEAD", "--stack", "prod", "--format", "markdown"]) == 2
    out = capsys.readouterr().out
    html = _rendered(out)
    assert "<a " not in html and "<img" not in html and "<script" not in html and _mentions(html) == []
    assert html.count("<details>") == html.count("</details>") == 1
    assert html.rstrip().endswith("is the final word</p>"), "the kit's closing line is still its own"
    assert "tags.owner: platform-ai → x\\n::error" in out  # the detail block: the value on one line

    assert cli.main(["diff", "--base", "HEAD", "--stack", "prod"]) == 2
    text = capsys.readouterr().out
    assert [line for line in text.splitlines() if line.lstrip().startswith("::")] == []
    assert "tags.owner: platform-ai → x\\n::error file=stacks/prod.yaml,line=1::pwned <img" in text


def test_the_stack_listing_the_workflows_print_holds_no_command(tmp_path, monkeypatch, capsys) -> None:
    """stacks.yml echoes `stack list --format json` to its log: an environment named with `##[`
    (a command anywhere in a line) or a newline and `::` reads back the same from the JSON, and
    is no command to the runner."""
    copy_examples(tmp_path)
    environment = "dev ##[set-output name=stacks;][]\n::error::y"
    with open(tmp_path / "stacks" / "Pulumi.dev.yaml", "a", encoding="utf-8") as handle:
        handle.write(f"  foundry-kit:environment: {_quoted(environment)}\n")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["stack", "list", "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert runner_commands(out) == [] and out.count("\n") == 1
    assert json.loads(out) == [{"stack": "dev", "environment": environment}, {"stack": "prod", "environment": "prod"}]
    assert cli.main(["stack", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == ["dev\tdev ##[set-output name=stacks;][]\\n::error::y", "prod\tprod"]


def test_the_drift_issue_quotes_what_azure_says_as_text() -> None:
    """The drift issue's body quotes values Azure returns (a tag someone set in the portal)."""
    import io

    from foundry_estate.cli.drift_report import markdown, text
    from foundry_estate.live.drift import Drift, DriftReport

    drift = Drift("changed", "prod · core", f"tags.owner: platform-ai in the manifest, {SHORT} in Azure",
                  "/subscriptions/0/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a`b")
    report = DriftReport("prod", "0", "rg", (drift,), (f"a note {SHORT}",))
    out = io.StringIO()
    markdown(report, out)
    html = _rendered(out.getvalue())
    assert "<a " not in html and "<img" not in html and _mentions(html) == []
    assert html.count("<details>") == html.count("</details>") == 1
    assert "<code>/subscriptions/0/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a`b</code>" in html
    out = io.StringIO()
    text(report, out)
    assert [line for line in out.getvalue().splitlines() if line.lstrip().startswith("::")] == []
