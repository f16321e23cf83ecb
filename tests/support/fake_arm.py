"""A fake Azure Resource Manager for the live layer's tests: HTTPS on 127.0.0.1 only, with a
certificate from a CA the test makes (`trustme`), so the real Azure SDK (which sends bearer tokens
over HTTPS only) talks to it unchanged.

It serves an estate held as REST JSON (`groups[group][account]` = {"account": body,
"deployments": [...], "raiPolicies": [...], "raiBlocklists": [...], "raiBlocklistItems":
{blocklist: [...]}, "projects": [...]}) plus the location lists (`models[location]`,
`usages[location]`), pages lists `page_size` items at a time with `nextLink`, and answers
scripted failures first (`fail(path_suffix, status, ...)`: 429 with Retry-After, 403, 404, 500)
and scripted answers of any kind (`script(path_suffix, answer)`: a `Reply` whose body may be raw
bytes, sent after `delay` seconds or `trickle`d a byte at a time, or a function of the request).
`delay` holds every answer that long (a distant Resource Manager). Every request is recorded; past
`max_requests` it answers 500, so a looping client ends.
"""

from __future__ import annotations

import json
import re
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

import trustme

SUBSCRIPTION = "11111111-2222-3333-4444-555555555555"
PROVIDER = "providers/Microsoft.CognitiveServices"
_GROUP = re.compile(rf"^/subscriptions/(?P<sub>[^/]+)/resourceGroups/(?P<group>[^/]+)/{PROVIDER}/accounts(?P<rest>/.*)?$", re.I)
_LOCATION = re.compile(rf"^/subscriptions/(?P<sub>[^/]+)/{PROVIDER}/locations/(?P<location>[^/]+)/(?P<list>models|usages)$", re.I)
COLLECTIONS = ("deployments", "raiPolicies", "raiBlocklists", "projects")


@dataclass
class Reply:
    status: int
    body: Any  # JSON, or bytes sent as they are
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the answer
    trickle: float = 0.0  # seconds between the body's bytes (sent one at a time)


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    authorization: str | None


class FakeArm:
    def __init__(self, ca: trustme.CA, subscription: str = SUBSCRIPTION, page_size: int = 50, max_requests: int = 300):
        self.subscription = subscription
        self.groups: dict[str, dict[str, dict[str, Any]]] = {}
        self.models: dict[str, list[dict[str, Any]]] = {}
        self.usages: dict[str, list[dict[str, Any]]] = {}
        self.page_size = page_size
        self.max_requests = max_requests
        self.delay = 0.0
        self.stopping = threading.Event()
        self.requests: list[Request] = []
        self.sleeps: list[float] = []  # what the client's retries asked to wait (the fixture records them)
        self._scripted: list[tuple[str, Reply | Callable[[Request], Reply]]] = []
        self._lock = threading.Lock()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1").configure_cert(context)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.endpoint = f"https://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    # --- the estate ---------------------------------------------------------------------------

    def group_id(self, group: str) -> str:
        return f"/subscriptions/{self.subscription}/resourceGroups/{group}"

    def add_account(self, group: str, body: dict[str, Any]) -> dict[str, Any]:
        entry = {"account": body, **{c: [] for c in COLLECTIONS}, "raiBlocklistItems": {}}
        self.groups.setdefault(group, {})[body["name"]] = entry
        return entry

    def fail(self, path_suffix: str, status: int, code: str = "", message: str = "", headers: dict[str, str] | None = None,
             times: int = 1) -> None:
        """The next `times` requests whose path ends with `path_suffix` get `status`."""
        body = {"error": {"code": code or f"Status{status}", "message": message or f"answered {status}"}}
        self._scripted += [(path_suffix.lower(), Reply(status, body, headers or {}))] * times

    def script(self, path_suffix: str, answer: Reply | Callable[[Request], Reply], times: int = 1) -> None:
        """The next `times` requests whose path ends with `path_suffix` ("": any) get `answer`."""
        self._scripted += [(path_suffix.lower(), answer)] * times

    # --- serving ------------------------------------------------------------------------------

    def answer(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            if len(self.requests) > self.max_requests:
                return _error(500, "TooManyRequestsInTest", "the test's request budget is spent")
            for index, (suffix, reply) in enumerate(self._scripted):
                if request.path.lower().endswith(suffix):
                    del self._scripted[index]
                    break
            else:
                reply = None
        if reply is not None:
            return reply if isinstance(reply, Reply) else reply(request)
        if not (request.authorization or "").startswith("Bearer "):
            return _error(401, "AuthenticationFailed", "no bearer token")
        found = _LOCATION.match(request.path)
        if found:
            table = self.models if found["list"].lower() == "models" else self.usages
            return self._page(request, table.get(found["location"], []))
        found = _GROUP.match(request.path)
        if not found:
            return _error(404, "NotFound", f"no such path {request.path}")
        if found["group"] not in self.groups:
            return _error(404, "ResourceGroupNotFound", f"Resource group '{found['group']}' could not be found.")
        accounts = self.groups[found["group"]]
        parts = [p for p in (found["rest"] or "").split("/") if p]
        if not parts:
            return self._page(request, [entry["account"] for entry in accounts.values()])
        entry = accounts.get(parts[0])
        if entry is None:
            return _error(404, "ResourceNotFound", f"The Resource 'Microsoft.CognitiveServices/accounts/{parts[0]}' "
                                                   f"under resource group '{found['group']}' was not found.")
        if len(parts) == 1:
            return Reply(200, entry["account"])
        if len(parts) == 2 and parts[1] in COLLECTIONS:
            return self._page(request, entry[parts[1]])
        if len(parts) == 4 and parts[1] == "raiBlocklists" and parts[3] == "raiBlocklistItems":
            return self._page(request, entry["raiBlocklistItems"].get(parts[2], []))
        return _error(404, "NotFound", f"no such path {request.path}")

    def _page(self, request: Request, items: list[dict[str, Any]]) -> Reply:
        start = int(request.query.get("$skiptoken", ["0"])[0])
        body: dict[str, Any] = {"value": items[start:start + self.page_size]}
        if start + self.page_size < len(items):
            version = request.query.get("api-version", [""])[0]
            body["nextLink"] = f"{self.endpoint}{request.path}?api-version={version}&$skiptoken={start + self.page_size}"
        return Reply(200, body)


def _error(status: int, code: str, message: str) -> Reply:
    return Reply(status, {"error": {"code": code, "message": message}})


def _handler(arm: FakeArm) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            url = urlsplit(self.path)
            reply = arm.answer(Request("GET", url.path, parse_qs(url.query), self.headers.get("Authorization")))
            raw = isinstance(reply.body, bytes)
            data = reply.body if raw else json.dumps(reply.body).encode("utf-8")
            if arm.stopping.wait(arm.delay + reply.delay):
                return
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.headers.get("Content-Type") or
                             ("text/html; charset=utf-8" if raw else "application/json"))
            self.send_header("Content-Length", str(len(data)))
            for key, value in reply.headers.items():
                if key != "Content-Type":
                    self.send_header(key, value)
            self.end_headers()
            if not reply.trickle:
                self.wfile.write(data)
                return
            for index in range(len(data)):
                self.wfile.write(data[index:index + 1])
                self.wfile.flush()
                if arm.stopping.wait(reply.trickle):
                    return

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

    return Handler


# --- synthetic estates, as Azure answers them ------------------------------------------------------

def account(arm: FakeArm, group: str, name: str, location: str = "eastus2", **properties: Any) -> dict[str, Any]:
    body = {
        "id": f"{arm.group_id(group)}/{PROVIDER}/accounts/{name}", "name": name,
        "type": "Microsoft.CognitiveServices/accounts", "location": location, "kind": "AIServices",
        "sku": {"name": "S0"}, "identity": {"type": "SystemAssigned", "principalId": "p", "tenantId": "t"},
        "tags": {},
        "properties": {"customSubDomainName": name, "disableLocalAuth": True, "publicNetworkAccess": "Enabled",
                       "allowProjectManagement": True, "provisioningState": "Succeeded",
                       "endpoint": f"https://{name}.cognitiveservices.azure.com/", **properties},
    }
    return arm.add_account(group, body)


def child(entry: dict[str, Any], collection: str, name: str, properties: dict[str, Any], **top: Any) -> dict[str, Any]:
    account_id = entry["account"]["id"]
    body = {"id": f"{account_id}/{collection}/{name.rsplit('/', 1)[-1]}", "name": name,
            "type": f"Microsoft.CognitiveServices/accounts/{collection}", "properties": properties, **top}
    entry[collection].append(body)
    return body


def deployment(entry: dict[str, Any], name: str, model: tuple[str, str, str], sku: str = "GlobalStandard",
               capacity: int = 10, **properties: Any) -> dict[str, Any]:
    fmt, model_name, version = model
    return child(entry, "deployments", name,
                 {"model": {"format": fmt, "name": model_name, "version": version},
                  "raiPolicyName": "Microsoft.DefaultV2", "versionUpgradeOption": "NoAutoUpgrade",
                  "provisioningState": "Succeeded", **properties},
                 sku={"name": sku, "capacity": capacity})


def blocklist_item(entry: dict[str, Any], blocklist: str, name: str, pattern: str, regex: bool = False) -> None:
    account_id = entry["account"]["id"]
    entry["raiBlocklistItems"].setdefault(blocklist, []).append(
        {"id": f"{account_id}/raiBlocklists/{blocklist}/raiBlocklistItems/{name}", "name": name,
         "type": "Microsoft.CognitiveServices/accounts/raiBlocklists/raiBlocklistItems",
         "properties": {"pattern": pattern, "isRegex": regex}})
