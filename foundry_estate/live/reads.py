"""The live layer's rules for reading a JSON API over HTTPS, on azure-core's pipeline: one origin,
a deadline, bounded paging, checked shapes, polite parallel reads. Every live read of the kit
(Azure Resource Manager in `client.py`, and any public Azure API such as the Retail Prices API)
goes through a `JsonApi`. Each failure is a `KitError` of one line (exit 1), never a traceback.

- **One origin.** A `JsonApi` reads one scheme, host and port (`https://` only). Paging follows a
  next link only there: a link anywhere else ends the read with an error naming it, and nothing is
  sent. The pipeline holds the same rule as a policy (`SameOrigin`) right before the credential
  policy (azure-mgmt-core's `ARMChallengeAuthenticationPolicy`), so no request the kit makes, retried
  or not, carries the token elsewhere. Redirects are not followed (azure-core's transport default).
- **Every read ends.** A `Deadline` per command bounds everything: each request's connect and read
  timeouts (`CONNECT_TIMEOUT`, `READ_TIMEOUT`, cut to what is left), azure-core's `RetryPolicy`
  (its operation timeout is what is left), and the caller, which waits for the reads (run on
  daemon threads) no longer than the deadline, so a server that trickles a byte every few seconds
  cannot hold a command. Paging stops at `MAX_PAGES` pages and at the first link seen twice; a
  body stops at `MAX_BODY` bytes.
- **Throttling.** `RetryPolicy` retries 408, 429 and 5xx at most `RETRIES` times, waiting what
  `Retry-After` says, else backing off exponentially. A `Retry-After` beyond `RETRY_AFTER_CAP` (or
  beyond the deadline) ends the read with "Azure is throttling: retry after N s". A 429 holds every
  read of the `JsonApi`, not only the throttled one: parallel reads back off together.
- **Shapes.** Each answer is checked against what the kit reads: a JSON object (not a list,
  `null`, HTML...), its items list a list, each item as `check` says (default: an object). A wrong
  answer names the request path and what is wrong.
- **Parallel.** `parallel(calls)` runs the calls at most `parallel` at a time (the first failure
  stops the rest and is raised); `later(call)` starts reads beside the caller's own work.
- **Secrets.** Messages quote no token (the credential's tokens are replaced by `<token>`) and
  shorten what a server sent (an error message, a link) to `QUOTE` characters.

Usage (the Retail Prices API: unauthenticated, `Items` and `NextPageLink`)::

    from foundry_estate.live.reads import Deadline, JsonApi

    api = JsonApi("https://prices.azure.com", Deadline(120))  # Deadline(args.timeout) in a command
    items = api.pages("/api/retail/prices",
                      {"api-version": "2023-01-01-preview", "$filter": "serviceName eq 'Foundry Models'"},
                      "the retail prices of Foundry Models", items="Items", next_link="NextPageLink")
    # items: every item of every page, each a JSON object; several reads at once:
    # api.parallel([lambda: api.pages(...), lambda: api.pages(...)])

With a credential (`JsonApi(endpoint, deadline, credential=..., scopes=[...])`) each request carries
a bearer token for that origin only; `explain` turns an HTTP or network failure into the message.
"""

from __future__ import annotations

import functools
import json
import threading
import time
import types
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence, TypeVar
from urllib.parse import urljoin, urlsplit

from foundry_estate.errors import KitError, Problem

T = TypeVar("T")

DEFAULT_TIMEOUT = 300.0  # seconds a live command may take (`--timeout`)
CONNECT_TIMEOUT = 10.0  # seconds to open a connection
READ_TIMEOUT = 60.0  # seconds to wait for any byte of an answer
RETRIES = 4
BACKOFF = 0.8  # seconds before the first retry without Retry-After, doubling
RETRY_AFTER_CAP = 60.0  # the longest Retry-After the kit waits
PARALLEL = 8  # reads at once (azure-core's requests transport pools 10 connections per host)
MAX_PAGES = 1000
MAX_BODY = 64 * 1024 * 1024
INSTALL = "pip install 'foundry-estate[live]'"
QUOTE = 200  # characters of what a server sent that a message quotes


class Deadline:
    """The moment a command's reads must be done by: `seconds` from now (`--timeout`)."""

    def __init__(self, seconds: float = DEFAULT_TIMEOUT, option: str = "--timeout"):
        self.seconds, self.option = seconds, option
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.end - time.monotonic()

    @property
    def passed(self) -> bool:
        return self.remaining() <= 0


@dataclass(frozen=True)
class Failure:
    """A read that got no usable answer: `status` is the HTTP status, or None when nothing answered
    (`kind` "unreachable": no connection; "broken": the answer stopped; "credential": no token)."""

    what: str
    status: int | None
    code: str | None  # the service's error code
    reason: str  # the service's message, or the transport's
    kind: str = "status"


Explain = Callable[[Failure], str]
Check = Callable[[Any], "str | None"]  # what is wrong with a value, or None


def plain(failure: Failure) -> str:
    """A failure in general terms (a `JsonApi` of a particular service gives its own `explain`)."""
    reason = f"{failure.code}: {failure.reason}" if failure.code else failure.reason
    if failure.status is None:
        return f"cannot read {failure.what}: {reason}"
    return f"cannot read {failure.what}: the service answered {failure.status} ({reason}); try again later"


def kind_of(value: Any) -> str:
    """A JSON value's kind in words: null, a string, a list..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"


def an_object(value: Any) -> str | None:
    return None if isinstance(value, dict) else f"is {kind_of(value)}, not an object"


def origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of a URL, the port made explicit; None when it has none, or carries a
    user name (nothing the kit reads is addressed so)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if not scheme or not host or parts.username is not None:
        return None
    return scheme, host, port or {"https": 443, "http": 80}.get(scheme, 0)


class JsonApi:
    """Reads of one HTTPS origin under a deadline (see the module's docstring)."""

    def __init__(self, endpoint: str, deadline: Deadline, *, credential: Any = None, scopes: Sequence[str] = (),
                 explain: Explain = plain, ca_bundle: str | None = None, parallel: int = PARALLEL):
        try:
            from azure.core.pipeline import Pipeline
            from azure.core.pipeline.policies import HeadersPolicy, RequestIdPolicy, UserAgentPolicy
            from azure.core.pipeline.transport import RequestsTransport
        except ImportError as error:
            raise KitError([Problem.at(".", f"the live commands need the optional extra 'live' ({error.name or 'azure'} is "
                                            f"not installed): {INSTALL}")]) from None

        self.endpoint = endpoint.rstrip("/")
        found = origin(self.endpoint)
        if found is None or found[0] != "https":
            raise KitError([Problem.at(".", f"{endpoint}: the kit reads Azure over https:// only")])
        self.origin, self.deadline, self.explain, self.limit = found, deadline, explain, max(1, parallel)
        self._secrets: set[str] = set()
        self._together = _Together(deadline)
        self._reading: dict[int, str] = {}  # thread -> what it reads, for the deadline's message
        self._lock = threading.Lock()
        made = _policy_types()
        policies: list[Any] = [RequestIdPolicy(), HeadersPolicy({"Accept": "application/json"}),
                               UserAgentPolicy(user_agent="foundry-estate"),
                               made.Retry(self._together, deadline, retry_total=RETRIES, retry_status=RETRIES,
                                          retry_connect=RETRIES, retry_read=RETRIES, retry_backoff_factor=BACKOFF,
                                          retry_backoff_max=RETRY_AFTER_CAP),
                               made.Polite(self._together, deadline), made.SameOrigin(found)]
        if credential is not None:
            from azure.mgmt.core.policies import ARMChallengeAuthenticationPolicy

            policies.append(ARMChallengeAuthenticationPolicy(_Remembered(credential, self._secrets), *scopes))
        transport = RequestsTransport(connection_verify=ca_bundle or True, connection_timeout=CONNECT_TIMEOUT,
                                      read_timeout=READ_TIMEOUT)
        self._pipeline: Any = Pipeline(transport=transport, policies=policies)

    # --- reads -----------------------------------------------------------------------------------

    def get(self, path: str, params: dict[str, str], what: str, *, check: Check = an_object,
            explain: Explain | None = None) -> Any:
        """One JSON object at `path` (relative to the endpoint), as `check` wants it."""
        def read() -> Any:
            url = self.endpoint + path
            body = self._fetch(url, params, what, explain or self.explain)
            wrong = check(body)
            if wrong:
                raise self._error(f"cannot read {what}: {self._answer(url)} is not what the kit reads: it {wrong}")
            return body
        return self._bounded(read, what)

    def pages(self, path: str, params: dict[str, str], what: str, *, items: str = "value",
              next_link: str = "nextLink", check: Check = an_object, explain: Explain | None = None,
              max_pages: int | None = None) -> list[Any]:
        """Every item of a paged list at `path`: pages of `{items: [...], next_link: url}` followed
        on this origin only, each item as `check` wants it, at most `max_pages` (`MAX_PAGES`) pages."""
        limit = MAX_PAGES if max_pages is None else max_pages

        def read() -> list[Any]:
            found: list[Any] = []
            url: str | None = self.endpoint + path
            query: dict[str, str] | None = params
            seen: set[str] = set()
            while url is not None:
                if len(seen) == limit:
                    raise self._error(f"cannot read {what}: more than {limit} pages; the kit stops there")
                seen.add(url)
                body = self._fetch(url, query, what, explain or self.explain)
                wrong = _page_problem(body, items, next_link, check)
                if wrong:
                    raise self._error(f"cannot read {what}: {self._answer(url)} is not what the kit reads: {wrong}")
                found.extend(body[items])
                link = body.get(next_link)
                if not link:
                    break
                url, query = urljoin(url, link), None
                if origin(url) != self.origin:
                    raise self._error(f"cannot read {what}: page {len(seen)} links to {_clip(link)}, elsewhere than "
                                      f"{self.endpoint}; the kit reads {self.endpoint} only and sent nothing there")
                if url in seen:
                    raise self._error(f"cannot read {what}: page {len(seen)} links back to a page already read "
                                      f"({_clip(link)}); the kit stops there")
            return found
        return self._bounded(read, what)

    def parallel(self, calls: Sequence[Callable[[], T]]) -> list[T]:
        """The calls' results in order, at most `parallel` running at once; the first failure ends them all."""
        if not calls:
            return []
        if getattr(_worker, "inside", False):  # a read inside a read runs where it is
            return [call() for call in calls]
        results: list[Any] = [None] * len(calls)
        failures: list[BaseException] = []
        state = {"next": 0, "done": 0}
        finished = threading.Event()

        def work() -> None:
            _worker.inside = True
            while True:
                with self._lock:
                    if failures or state["next"] >= len(calls) or self.deadline.passed:
                        return
                    index = state["next"]
                    state["next"] += 1
                try:
                    results[index] = calls[index]()
                except BaseException as error:  # handed to the caller's thread, which raises it
                    with self._lock:
                        failures.append(error)
                    finished.set()
                    return
                with self._lock:
                    state["done"] += 1
                    if state["done"] == len(calls):
                        finished.set()

        for _ in range(min(self.limit, len(calls))):
            threading.Thread(target=work, name="foundry-estate-read", daemon=True).start()
        if not finished.wait(max(0.0, self.deadline.remaining())):
            with self._lock:
                doing = next(iter(self._reading.values()), "Azure")
            raise self._late(doing)
        if failures:
            raise failures[0]
        return results

    def later(self, call: Callable[[], T]) -> Callable[[], T]:
        """`call` started now, beside what the caller does next (reads wait, the caller may compute);
        the function returned waits for it, no longer than the deadline, and gives its result."""
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                outcome["value"] = self.parallel([call])[0]
            except BaseException as error:  # handed to the caller's thread, which raises it
                outcome["error"] = error

        thread = threading.Thread(target=run, name="foundry-estate-read", daemon=True)
        thread.start()

        def result() -> T:
            thread.join(max(0.0, self.deadline.remaining()) + 1.0)  # parallel() gives up at the deadline itself
            if "error" in outcome:
                raise outcome["error"]
            if "value" not in outcome:
                with self._lock:
                    doing = next(iter(self._reading.values()), "Azure")
                raise self._late(doing)
            value: T = outcome["value"]
            return value
        return result

    # --- one request --------------------------------------------------------------------------

    def _bounded(self, read: Callable[[], T], what: str) -> T:
        """`read` on a worker thread unless on one already, waited for no longer than the deadline."""
        if getattr(_worker, "inside", False):
            ident = threading.get_ident()
            with self._lock:
                self._reading[ident] = what
            try:
                return read()
            finally:
                with self._lock:
                    self._reading.pop(ident, None)
        return self.parallel([lambda: self._bounded(read, what)])[0]

    def _fetch(self, url: str, params: dict[str, str] | None, what: str, explain: Explain) -> Any:
        from azure.core.exceptions import AzureError, ClientAuthenticationError, ServiceRequestError
        from azure.core.rest import HttpRequest

        left = self.deadline.remaining()
        if left <= 0:
            raise self._late(what)
        request = HttpRequest("GET", url, params=params or None)
        try:
            response = self._pipeline.run(request, stream=True, connection_timeout=min(CONNECT_TIMEOUT, left),
                                          read_timeout=min(READ_TIMEOUT, left), timeout=left)
            http = response.http_response
            try:
                data = _read_bounded(http.iter_bytes())
            finally:
                http.close()
        except SentElsewhere as refused:
            raise self._error(f"cannot read {what}: the kit sends nothing to {_clip(refused.url)}, elsewhere than "
                              f"{self.endpoint}") from None
        except Throttled as throttled:
            raise self._error(f"cannot read {what}: Azure is throttling: retry after {throttled.seconds:g} s") from None
        except _TooLarge:
            raise self._error(f"cannot read {what}: {self._answer(url)} is larger than {MAX_BODY // 2**20} MiB; "
                              "the kit stops there") from None
        except DeadlinePassed:
            raise self._late(what) from None
        except ClientAuthenticationError as error:
            raise self._error(explain(Failure(what, error.status_code, None, _first_line(error), "credential"))) from None
        except AzureError as error:
            if self.deadline.passed:
                raise self._late(what) from None
            kind = "unreachable" if isinstance(error, ServiceRequestError) else "broken"
            raise self._error(explain(Failure(what, None, None, _first_line(error), kind))) from None
        status, content_type = http.status_code, http.headers.get("Content-Type") or ""
        try:
            body = json.loads(data) if data.strip() else None
        except ValueError:
            if status != 200:
                raise self._error(explain(Failure(what, status, None, f"{content_type or 'no content type'}, not JSON"))) \
                    from None
            raise self._error(f"cannot read {what}: {self._answer(url)} is not what the kit reads: "
                              f"{content_type.split(';')[0] or 'no content type'}, not JSON") from None
        if status != 200:
            error_body = body.get("error") if isinstance(body, dict) else None
            error_body = error_body if isinstance(error_body, dict) else {}
            code, message = error_body.get("code"), error_body.get("message")
            raise self._error(explain(Failure(what, status, code if isinstance(code, str) and code else None,
                                              _clip(message) if isinstance(message, str) and message else
                                              (http.reason or f"status {status}"))))
        return body

    def _answer(self, url: str) -> str:
        return f"the answer to GET {_clip(urlsplit(url).path)}"

    def _late(self, what: str) -> KitError:
        return self._error(f"cannot read {what} within {self.deadline.option} {self.deadline.seconds:g} s: "
                           f"{self.endpoint} is slow or not answering; try again, or give a longer {self.deadline.option}")

    def _error(self, message: str) -> KitError:
        """One line, no token in it."""
        for secret in self._secrets:
            message = message.replace(secret, "<token>")
        return KitError([Problem.at(".", " ".join(message.split()))])


# --- the pipeline's policies -------------------------------------------------------------------

class SentElsewhere(Exception):
    """A request for another origin than the `JsonApi`'s: refused before anything is sent."""

    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


class Throttled(Exception):
    def __init__(self, seconds: float):
        super().__init__(seconds)
        self.seconds = seconds


class DeadlinePassed(Exception):
    pass


class _TooLarge(Exception):
    pass


class _Together:
    """A hold on every read of one `JsonApi`: a 429 makes all of them wait what it asks."""

    def __init__(self, deadline: Deadline):
        self.deadline = deadline
        self._until = 0.0
        self._lock = threading.Lock()
        self._local = threading.local()

    def hold(self, seconds: float, transport: Any) -> None:
        """This read was throttled: every read waits `seconds` (this one included, now)."""
        with self._lock:
            now = time.monotonic()
            self._until = max(self._until, now + seconds)
            until = self._until
        self._local.waited = until
        transport.sleep(seconds if until == now + seconds else until - now)

    def wait(self, transport: Any) -> None:
        """Before a request: wait out a hold another read was given."""
        until = self._until
        if until <= getattr(self._local, "waited", 0.0):
            return
        self._local.waited = until
        left = until - time.monotonic()
        if left <= 0:
            return
        if left > self.deadline.remaining():
            raise DeadlinePassed()
        transport.sleep(left)


@functools.cache
def _policy_types() -> Any:
    """The pipeline's policies of the kit, made on azure-core's classes when a read first needs them
    (azure-core comes with the extra 'live')."""
    from azure.core.pipeline.policies import RetryPolicy, SansIOHTTPPolicy

    class SameOrigin(SansIOHTTPPolicy):
        """Refuses a request for another (scheme, host, port) than the API's, before the credential
        policy after it could add a token."""

        def __init__(self, allowed: tuple[str, str, int]):
            self.allowed = allowed

        def on_request(self, request: Any) -> None:
            if origin(request.http_request.url) != self.allowed:
                raise SentElsewhere(request.http_request.url)

    class Polite(SansIOHTTPPolicy):
        """Before each request (each retry included): the deadline, then the hold every read shares."""

        def __init__(self, together: _Together, deadline: Deadline):
            self.together, self.deadline = together, deadline

        def on_request(self, request: Any) -> None:
            if self.deadline.passed:
                raise DeadlinePassed()
            self.together.wait(request.context.transport)

    class Retry(RetryPolicy):
        """azure-core's RetryPolicy, its waits capped, within the deadline and, after a 429, shared
        by every read (`_Together`)."""

        def __init__(self, together: _Together, deadline: Deadline, **kwargs: Any):
            super().__init__(**kwargs)
            self.together, self.deadline = together, deadline

        def sleep(self, settings: dict[str, Any], transport: Any, response: Any = None) -> None:
            if response is not None:
                response.http_response.close()  # streamed and not to be read: its connection back to the pool
            after = self.get_retry_after(response) if response is not None else None
            if after is not None and (after > RETRY_AFTER_CAP or after > self.deadline.remaining()):
                raise Throttled(after)
            wait = after if after is not None else self.get_backoff_time(settings)
            if wait > self.deadline.remaining():
                raise DeadlinePassed()
            if response is not None and response.http_response.status_code == 429:
                self.together.hold(wait, transport)
            elif wait > 0:
                transport.sleep(wait)

    return types.SimpleNamespace(SameOrigin=SameOrigin, Polite=Polite, Retry=Retry)


class _Remembered:
    """A TokenCredential that remembers the tokens it hands out, so that no message quotes one."""

    def __init__(self, credential: Any, secrets: set[str]):
        self.credential, self.secrets = credential, secrets

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        token = self.credential.get_token(*scopes, **kwargs)
        self.secrets.add(token.token)
        return token


_worker = threading.local()


def _page_problem(body: Any, items: str, next_link: str, check: Check) -> str | None:
    if not isinstance(body, dict):
        return f"{kind_of(body)}, not a JSON object"
    listed = body.get(items)
    if not isinstance(listed, list):
        return f"no `{items}` list" if listed is None else f"`{items}` is {kind_of(listed)}, not a list"
    link = body.get(next_link)
    if link is not None and not isinstance(link, str):
        return f"`{next_link}` is {kind_of(link)}, not a link"
    for index, item in enumerate(listed):
        wrong = check(item)
        if wrong:
            return f"item {index + 1} {wrong}"
    return None


def _read_bounded(chunks: Iterable[bytes]) -> bytes:
    data = bytearray()
    for chunk in chunks:
        data += chunk
        if len(data) > MAX_BODY:
            raise _TooLarge()
    return bytes(data)


def _first_line(error: BaseException) -> str:
    text = str(getattr(error, "message", None) or error).strip()
    return _clip(text.splitlines()[0]) if text else type(error).__name__


def _clip(text: str) -> str:
    """What a server sent, short enough to quote."""
    return text if len(text) <= QUOTE else f"{text[:QUOTE]}... ({len(text)} characters)"
