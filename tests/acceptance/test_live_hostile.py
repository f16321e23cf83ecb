"""The live commands (`import`, `drift`, `catalog refresh`, `quota --live`) against a broken or
hostile Azure Resource Manager served on loopback (tests/support/fake_arm.py: HTTPS, the test's
CA), with a second server where a foreign `nextLink` points (issue 21). Each command ends within its
deadline with exit 1 and one line on stderr, no traceback, the token in no output, and nothing
sent to the second server."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any, Callable

import pytest

from foundry_estate.cli import main as cli
from foundry_estate.live import client, reads
from support.fake_arm import SUBSCRIPTION, FakeArm, Reply, Request, account, deployment

TOKEN = "test-token"
TIMEOUT = 1.5  # --timeout of the commands that meet a server too slow to wait for
GROUP = "rg-ai"
MANIFEST = f"""version: 1
location: eastus2
resourceGroup: {{name: {GROUP}}}
accounts:
  core:
    name: aif-core
    tags: {{owner: platform, environment: dev}}
    deployments:
      mini:
        model: {{format: OpenAI, name: gpt-5-mini, version: '2025-08-07'}}
        sku: GlobalStandard
        capacity: 10
"""

COMMANDS = {
    "import": ["import", "--resource-group", GROUP, "--stack", "imported", "--subscription", SUBSCRIPTION],
    "drift": ["drift", "--stack", "s"],
    "catalog refresh": ["catalog", "refresh", "--subscription", SUBSCRIPTION, "--location", "eastus2"],
    "quota --live": ["quota", "--live", "--subscription", SUBSCRIPTION],
}


@pytest.fixture
def project(tmp_path, monkeypatch, fake_arm):
    """A project with stack `s` (one account, one deployment) that Azure also holds."""
    (tmp_path / "Pulumi.yaml").write_text("name: t\nruntime: python\n")
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "Pulumi.s.yaml").write_text(f"config:\n  azure-native:subscriptionId: {SUBSCRIPTION}\n"
                                                       "  foundry-kit:environment: dev\n")
    (tmp_path / "stacks" / "s.yaml").write_text(MANIFEST)
    monkeypatch.chdir(tmp_path)
    entry = account(fake_arm, GROUP, "aif-core")
    deployment(entry, "mini", ("OpenAI", "gpt-5-mini", "2025-08-07"))
    return tmp_path


@pytest.fixture
def other(test_ca):
    """A second server, on another port: what it receives must stay empty."""
    server = FakeArm(test_ca[0])
    yield server
    server.close()


def run(argv: list[str], capsys: pytest.CaptureFixture[str], timeout: float | None = None) -> tuple[int, str, float]:
    started = time.monotonic()
    code = cli.main([*argv, *(["--timeout", str(timeout)] if timeout else [])])
    took = time.monotonic() - started
    out, err = capsys.readouterr()
    assert TOKEN not in out + err
    assert "Traceback" not in out + err
    return code, err, took


def one_line(err: str) -> str:
    """The error, one line (drift's plan of the stack may warn about the manifest before it)."""
    lines = [line for line in err.strip().splitlines() if not line.startswith("stacks/s.yaml:")]
    assert len(lines) == 1, err
    return lines[0]


def page(body: Any, **headers: str) -> Callable[[Request], Reply]:
    return lambda _request: Reply(200, body, dict(headers))


# --- the token goes only to the Resource Manager ------------------------------------------------

@pytest.mark.parametrize("command", COMMANDS)
def test_a_foreign_next_link_ends_the_command_and_nothing_is_sent_there(command, project, fake_arm, other,
                                                                        capsys) -> None:
    link = f"{other.endpoint}/subscriptions/{SUBSCRIPTION}/next?$skiptoken=1"
    fake_arm.script("", page({"value": [], "nextLink": link}), times=20)
    code, err, _ = run(COMMANDS[command], capsys)
    assert code == 1
    line = one_line(err)
    assert f"links to {link}, elsewhere than {fake_arm.endpoint}; the kit reads {fake_arm.endpoint} only and sent " \
           "nothing there" in line
    assert other.requests == []


@pytest.mark.parametrize("link", ["https://127.0.0.1:{other}/x", "http://127.0.0.1:{arm}/x", "https://localhost:{arm}/x",
                                  "https://127.0.0.1:{arm}@127.0.0.1:{other}/x", "//127.0.0.1:{other}/x"])
def test_same_origin_is_scheme_host_and_port(link, project, fake_arm, other, capsys) -> None:
    foreign = link.format(other=other.endpoint.rsplit(":", 1)[1], arm=fake_arm.endpoint.rsplit(":", 1)[1])
    fake_arm.script("/accounts", page({"value": [], "nextLink": foreign}))
    code, err, _ = run(COMMANDS["import"], capsys)
    assert code == 1 and "the kit reads" in one_line(err) and "sent nothing there" in err
    assert other.requests == []


def test_a_next_link_on_the_same_origin_spelled_otherwise_is_followed(project, fake_arm, capsys) -> None:
    port = fake_arm.endpoint.rsplit(":", 1)[1]
    path = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{GROUP}/providers/Microsoft.CognitiveServices/accounts"
    fake_arm.script("/accounts", page({"value": [], "nextLink": f"HTTPS://127.0.0.1:{port}{path}?$skiptoken=0"}))
    code, err, _ = run(COMMANDS["import"], capsys)
    assert code == 0, err
    assert [r.authorization for r in fake_arm.requests][:2] == [f"Bearer {TOKEN}"] * 2


# --- every read ends ------------------------------------------------------------------------------

@pytest.mark.parametrize("command", COMMANDS)
def test_a_next_link_loop_ends_at_the_first_page_seen_twice(command, project, fake_arm, capsys) -> None:
    fake_arm.script("", lambda request: Reply(200, {"value": [], "nextLink": f"{fake_arm.endpoint}{request.path}?x=1"}),
                    times=50)
    code, err, _ = run(COMMANDS[command], capsys)
    assert code == 1
    assert "page 2 links back to a page already read" in one_line(err)
    assert len(fake_arm.requests) <= 4  # quota --live reads two lists at once


def test_endless_pages_end_at_the_page_limit(project, fake_arm, capsys, monkeypatch) -> None:
    monkeypatch.setattr(reads, "MAX_PAGES", 5)
    fake_arm.script("", lambda request: Reply(200, {"value": [], "nextLink":
                                                    f"{fake_arm.endpoint}{request.path}?n={len(fake_arm.requests)}"}),
                    times=50)
    code, err, _ = run(COMMANDS["catalog refresh"], capsys)
    assert code == 1
    assert one_line(err).endswith("cannot read the models list of eastus2: more than 5 pages; the kit stops there")
    assert len(fake_arm.requests) == 5


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("slow", ["late", "trickle"])
def test_a_server_too_slow_ends_the_command_at_its_deadline(command, slow, project, fake_arm, capsys) -> None:
    body = b'{"value": []}' + b" " * 200
    fake_arm.script("", Reply(200, body, {"Content-Type": "application/json"}, delay=70 if slow == "late" else 0,
                              trickle=0 if slow == "late" else 0.2), times=20)
    code, err, took = run(COMMANDS[command], capsys, TIMEOUT)
    assert code == 1
    assert f"within --timeout {TIMEOUT:g} s: {fake_arm.endpoint} is slow or not answering; try again, or give a " \
           "longer --timeout" in one_line(err)
    assert took < TIMEOUT + (6 if command == "drift" else 1.5)  # drift plans the stack first


def test_a_trickling_server_does_not_hold_the_process(project, fake_arm, test_ca) -> None:
    """Out of process: the reads' threads do not keep the command alive past its deadline."""
    fake_arm.script("", Reply(200, b'{"value": []}' + b" " * 200, {"Content-Type": "application/json"}, trickle=0.3),
                    times=5)
    env = {**os.environ, client.ENDPOINT_VARIABLE: fake_arm.endpoint, client.TOKEN_VARIABLE: TOKEN,
           client.CA_VARIABLE: test_ca[1]}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "foundry_estate.cli", *COMMANDS["catalog refresh"], "--timeout", "2"],
                          env=env, capture_output=True, text=True, timeout=60)
    took = time.monotonic() - started
    assert done.returncode == 1, done.stderr
    assert "within --timeout 2 s" in one_line(done.stderr) and "Traceback" not in done.stderr
    assert took < 2 + 8  # the interpreter's start and the imports, then no more than the deadline


@pytest.mark.parametrize("command", COMMANDS)
def test_a_retry_after_beyond_the_cap_ends_instead_of_waiting(command, project, fake_arm, capsys) -> None:
    fake_arm.fail("", 429, "TooManyRequests", headers={"Retry-After": "120"}, times=20)
    code, err, _ = run(COMMANDS[command], capsys)
    assert code == 1
    assert one_line(err).endswith(": Azure is throttling: retry after 120 s")
    assert fake_arm.sleeps == []
    assert len(fake_arm.requests) <= 2  # quota --live reads two lists at once


def test_a_retry_after_beyond_the_deadline_ends_too(project, fake_arm, capsys) -> None:
    fake_arm.fail("", 429, "TooManyRequests", headers={"Retry-After": "30"}, times=20)
    code, err, _ = run(COMMANDS["catalog refresh"], capsys, 10)
    assert code == 1 and one_line(err).endswith(": Azure is throttling: retry after 30 s")


# --- answers of the wrong shape -------------------------------------------------------------------

ACCOUNTS = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{GROUP}/providers/Microsoft.CognitiveServices/accounts"
WRONG = {
    "a list": ([{"name": "aif-core"}], "a list, not a JSON object"),
    "value not a list": ({"value": "notalist"}, "`value` is a string, not a list"),
    "null": (None, "null, not a JSON object"),
    "no value": ({"values": []}, "no `value` list"),
    "html": (b"<html><body>Sign in to continue</body></html>", "text/html, not JSON"),
    "nameless account": ({"value": [{"id": "/x", "kind": "AIServices"}]}, "item 1 has no `name`"),
    "properties a list": ({"value": [{"name": "aif-core", "properties": []}]},
                          "item 1 (aif-core) has a `properties` that is a list, not an object"),
    "next link a number": ({"value": [], "nextLink": 7}, "`nextLink` is a number, not a link"),
}


@pytest.mark.parametrize("shape", WRONG)
def test_a_wrong_answer_names_the_request_path_and_what_is_wrong(shape, project, fake_arm, capsys) -> None:
    body, wrong = WRONG[shape]
    fake_arm.script("/accounts", page(body))
    code, err, _ = run(COMMANDS["import"], capsys)
    assert code == 1
    assert one_line(err) == (f".:1:1: cannot read the Foundry accounts of resource group {GROUP}: the answer to GET "
                             f"{ACCOUNTS} is not what the kit reads: {wrong}")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_checks_the_shape(command, project, fake_arm, capsys) -> None:
    fake_arm.script("", page({"value": "notalist"}), times=5)
    code, err, _ = run(COMMANDS[command], capsys)
    assert code == 1 and "is not what the kit reads: `value` is a string, not a list" in one_line(err)


def test_an_account_read_by_name_is_checked_too(project, fake_arm, capsys) -> None:
    fake_arm.script("/accounts/aif-core", page({"id": "/x"}))
    code, err, _ = run([*COMMANDS["import"], "--account", "aif-core"], capsys)
    assert code == 1 and one_line(err).endswith(f"GET {ACCOUNTS}/aif-core is not what the kit reads: it has no `name`")


# --- messages never carry the token, nor flood -------------------------------------------------------

def test_a_server_echoing_the_token_is_quoted_without_it(project, fake_arm, capsys) -> None:
    fake_arm.script("", lambda request: Reply(400, {"error": {"code": "BadRequest", "message":
                                                            f"bad header {request.authorization}\n" + "x" * 5000}}))
    code, err, _ = run(COMMANDS["catalog refresh"], capsys)
    assert code == 1
    line = one_line(err)
    assert "bad header Bearer <token>" in line and "... (5" in line and len(line) < 600


# --- reads in parallel, backing off together -------------------------------------------------------

def test_a_429_holds_every_read_of_the_command(fake_arm) -> None:
    """A read throttled for 5 s makes the reads running beside it wait out the same 5 s."""
    fake_arm.fail("/accounts/aif-0/deployments", 429, "TooManyRequests", headers={"Retry-After": "5"})

    def first_page(request: Request) -> Reply:  # answered once aif-0's read has been told to wait
        deadline = time.monotonic() + 10
        while not fake_arm.sleeps and time.monotonic() < deadline:
            time.sleep(0.01)
        return Reply(200, {"value": [], "nextLink": f"{fake_arm.endpoint}{request.path}?$skiptoken=0"})

    fake_arm.script("/accounts/aif-1/deployments", first_page)
    for name in ("aif-0", "aif-1"):
        account(fake_arm, GROUP, name)
    azure = client.connect(SUBSCRIPTION)
    assert azure.parallel([lambda: azure.deployments(GROUP, "aif-0"), lambda: azure.deployments(GROUP, "aif-1")]) \
        == [[], []]
    assert fake_arm.sleeps[0] == 5 and len(fake_arm.sleeps) == 2 and 4 < fake_arm.sleeps[1] <= 5


def test_reads_run_at_most_the_limit_at_once(project, fake_arm) -> None:
    for index in range(12):
        account(fake_arm, GROUP, f"aif-{index:02}")
    fake_arm.delay = 0.2
    azure = client.connect(SUBSCRIPTION)
    started = time.monotonic()
    azure.parallel([lambda name=f"aif-{index:02}": azure.deployments(GROUP, name) for index in range(12)])
    took = time.monotonic() - started
    assert took >= 0.4  # 12 reads, 8 at a time: two rounds


# --- the rules for another API (the Retail Prices API: no credential, Items and NextPageLink) ---------

def test_an_unauthenticated_api_pages_on_its_own_host_with_its_own_names(fake_arm, other) -> None:
    port = fake_arm.endpoint.rsplit(":", 1)[1]
    fake_arm.script("/api/retail/prices", page({"Items": [{"retailPrice": 1}], "NextPageLink":
                                                f"https://127.0.0.1:{port}/api/retail/prices?$skip=1"}))
    fake_arm.script("/api/retail/prices", page({"Items": [{"retailPrice": 2}], "NextPageLink":
                                                f"{other.endpoint}/api/retail/prices?$skip=2"}))
    api = reads.JsonApi(fake_arm.endpoint, reads.Deadline(10), ca_bundle=os.environ[client.CA_VARIABLE])
    with pytest.raises(reads.KitError, match=r"cannot read the retail prices: page 2 links to https://127.0.0.1:\d+/api/"
                                             r"retail/prices\?\$skip=2, elsewhere than"):
        api.pages("/api/retail/prices", {"$filter": "x"}, "the retail prices", items="Items",
                  next_link="NextPageLink")
    assert [r.authorization for r in fake_arm.requests] == [None, None]
    assert fake_arm.requests[0].query == {"$filter": ["x"]}
    assert other.requests == []
