"""The only code that calls Azure: every live read of the kit (`catalog refresh`, `quota --live`,
`import`, `drift`) goes through `connect()` and the `AzureLists` it returns.

It reads through `reads.JsonApi` (azure-core's pipeline under the live layer's rules: the token
for this endpoint only, a deadline, bounded paging, checked shapes, parallel reads; see reads.py),
needs the optional extra `live` (azure-core, azure-mgmt-core, azure-identity), imported only when a
live command runs, and hands back Azure's REST JSON of API version `API_VERSION` as it came (each
resource checked to be an object with a `name`), which `foundry_estate/azure/lists.py` and
`estate.py` read.

- Where: `--arm-endpoint URL`, else `FOUNDRY_KIT_ARM_ENDPOINT`, else Azure's public cloud. The
  token's scope follows the endpoint (the SDK's table for the public, China and US Government
  clouds; `<endpoint>/.default` for any other).
- Who: `FOUNDRY_KIT_ACCESS_TOKEN` (a bearer token, e.g. `az account get-access-token --query
  accessToken -o tsv`) when set, else `DefaultAzureCredential` (az login, environment variables,
  a managed identity...).
- TLS: the system's trust store, or the bundle `REQUESTS_CA_BUNDLE` names (a proxy's CA).
- When: within `--timeout` seconds (default `reads.DEFAULT_TIMEOUT`) from `connect()`.
- Failures end in a `KitError` of one line in the user's terms (sign-in, permission, not found,
  throttled, Azure's own error, unreachable, a wrong answer, a foreign `nextLink`, too slow),
  never a traceback.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable, Sequence, TypeVar
from urllib.parse import quote

from foundry_estate.azure.resource_types import ACCOUNT, BY_TOKEN
from foundry_estate.errors import KitError, Problem
from foundry_estate.live.reads import DEFAULT_TIMEOUT, INSTALL, RETRIES, Deadline, Failure, JsonApi, an_object, kind_of

T = TypeVar("T")

PUBLIC_CLOUD = "https://management.azure.com"
ENDPOINT_VARIABLE = "FOUNDRY_KIT_ARM_ENDPOINT"
TOKEN_VARIABLE = "FOUNDRY_KIT_ACCESS_TOKEN"
CA_VARIABLE = "REQUESTS_CA_BUNDLE"

PROVIDER = "Microsoft.CognitiveServices"
# The REST API version the kit reads: the one of the specification it writes with (resource_types)
API_VERSION = BY_TOKEN[ACCOUNT].arm.api_version


def arm_endpoint(given: str | None = None) -> str:
    """The Azure Resource Manager endpoint to read: the option, the environment, or the public cloud."""
    endpoint = (given or os.environ.get(ENDPOINT_VARIABLE) or PUBLIC_CLOUD).strip().rstrip("/")
    if not endpoint.startswith("https://"):
        raise KitError([Problem.at(".", f"--arm-endpoint {endpoint}: Azure Resource Manager is reached over "
                                        "https:// (the Azure SDK sends bearer tokens over HTTPS only)")])
    return endpoint


def credential_scope(endpoint: str) -> str:
    """The token scope of an ARM endpoint: sovereign clouds have their own audience."""
    from azure.core import AzureClouds
    from azure.mgmt.core.tools import get_arm_endpoints

    for cloud in AzureClouds:
        known = get_arm_endpoints(cloud)
        if known["resource_manager"].rstrip("/") == endpoint:
            return known["credential_scopes"][0]
    return f"{endpoint}/.default"


@dataclass(frozen=True)
class StaticToken:
    """A credential for one bearer token given in the environment (`FOUNDRY_KIT_ACCESS_TOKEN`):
    azure-core's `TokenCredential` protocol, good until `expires_on` (unknown, so an hour)."""

    token: str

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        import time

        from azure.core.credentials import AccessToken

        return AccessToken(self.token, int(time.time()) + 3600)


def credential() -> Any:
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if token:
        return StaticToken(token)
    from azure.identity import DefaultAzureCredential

    return DefaultAzureCredential()


def connect(subscription: str, endpoint: str | None = None, timeout: float | None = None) -> "AzureLists":
    """A reader of `subscription` at the ARM endpoint (`--arm-endpoint`, the environment or the
    public cloud) whose reads end within `timeout` seconds (`--timeout`) from now."""
    deadline = Deadline(DEFAULT_TIMEOUT if timeout is None else timeout)
    url = arm_endpoint(endpoint)
    try:
        scope, who = credential_scope(url), credential()
    except ImportError as error:
        raise KitError([Problem.at(".", f"the live commands need the optional extra 'live' ({error.name or 'azure'} is "
                                        f"not installed): {INSTALL}")]) from None
    api = JsonApi(url, deadline, credential=who, scopes=[scope], ca_bundle=os.environ.get(CA_VARIABLE) or None)
    return AzureLists(subscription, api)


class AzureLists:
    """Reads of one subscription, each as REST JSON: lists fully paged, single resources as one body."""

    def __init__(self, subscription: str, api: JsonApi):
        self.subscription, self.api, self.endpoint = subscription, api, api.endpoint

    def parallel(self, calls: Sequence[Callable[[], T]]) -> list[T]:
        """Reads at once, as many as the live layer allows (`reads.PARALLEL`), within the deadline."""
        return self.api.parallel(calls)

    def later(self, call: Callable[[], T]) -> Callable[[], T]:
        """Reads started now, beside the caller's own work; call what this returns for their result."""
        return self.api.later(call)

    def models(self, location: str) -> list[dict[str, Any]]:
        """Models_List: the models, versions and SKUs offered in `location`."""
        return self._list(f"{self._provider}/locations/{_segment(location)}/models", f"the models list of {location}",
                          an_object)

    def usages(self, location: str) -> list[dict[str, Any]]:
        """Usages_List: the quota limits and current values in `location`."""
        return self._list(f"{self._provider}/locations/{_segment(location)}/usages", f"the usages of {location}",
                          an_object)

    def accounts(self, group: str) -> list[dict[str, Any]]:
        """Accounts_ListByResourceGroup."""
        return self._list(self._accounts(group), f"the Foundry accounts of resource group {group}", group=group)

    def account(self, group: str, name: str) -> dict[str, Any]:
        """Accounts_Get."""
        what = f"account {name} in resource group {group}"
        body: dict[str, Any] = self.api.get(f"{self._accounts(group)}/{_segment(name)}", self._query, what,
                                            check=arm_resource, explain=self._explain(what, group))
        return body

    def deployments(self, group: str, account: str) -> list[dict[str, Any]]:
        return self._list(f"{self._account(group, account)}/deployments", f"the deployments of account {account}",
                          group=group)

    def rai_policies(self, group: str, account: str) -> list[dict[str, Any]]:
        return self._list(f"{self._account(group, account)}/raiPolicies",
                          f"the content filters (RAI policies) of account {account}", group=group)

    def rai_blocklists(self, group: str, account: str) -> list[dict[str, Any]]:
        return self._list(f"{self._account(group, account)}/raiBlocklists", f"the blocklists of account {account}",
                          group=group)

    def rai_blocklist_items(self, group: str, account: str, blocklist: str) -> list[dict[str, Any]]:
        return self._list(f"{self._account(group, account)}/raiBlocklists/{_segment(blocklist)}/raiBlocklistItems",
                          f"the items of blocklist {blocklist} of account {account}", group=group)

    def projects(self, group: str, account: str) -> list[dict[str, Any]]:
        return self._list(f"{self._account(group, account)}/projects", f"the projects of account {account}",
                          group=group)

    @property
    def _provider(self) -> str:
        return f"/subscriptions/{_segment(self.subscription)}/providers/{PROVIDER}"

    @property
    def _query(self) -> dict[str, str]:
        return {"api-version": API_VERSION}

    def _accounts(self, group: str) -> str:
        return f"/subscriptions/{_segment(self.subscription)}/resourceGroups/{_segment(group)}/providers/{PROVIDER}/accounts"

    def _account(self, group: str, account: str) -> str:
        return f"{self._accounts(group)}/{_segment(account)}"

    def _list(self, path: str, what: str, check: Callable[[Any], str | None] | None = None,
              group: str | None = None) -> list[dict[str, Any]]:
        return self.api.pages(path, self._query, what, check=check or arm_resource, explain=self._explain(what, group))

    def _explain(self, what: str, group: str | None) -> Callable[[Failure], str]:
        return lambda found: failure(found, self.subscription, group)


def arm_resource(item: Any) -> str | None:
    """What is wrong with an ARM resource's JSON for the kit, or None: an object with a `name`,
    whose `properties`, `sku`, `tags` and `identity`, when given, are objects."""
    if not isinstance(item, dict):
        return f"is {kind_of(item)}, not an object"
    name = item.get("name")
    if not isinstance(name, str) or not name:
        return "has no `name`" if name is None else f"has a `name` that is {kind_of(name)}, not a string"
    for key in ("properties", "sku", "tags", "identity"):
        value = item.get(key)
        if value is not None and not isinstance(value, dict):
            return f"({name}) has a `{key}` that is {kind_of(value)}, not an object"
    return None


def _segment(name: str) -> str:
    """A name as one segment of a request path."""
    return quote(name, safe="")


def failure(found: Failure, subscription: str, group: str | None) -> str:
    """A read Azure Resource Manager did not answer as asked, in the user's terms: what could not be
    read, why, and what to do."""
    status, code, what = found.status, found.code, found.what
    reason = f"{code}: {found.reason}" if code else found.reason
    where = f"in subscription {subscription}"
    if status == 401 or found.kind == "credential":
        return (f"cannot read {what} {where}: not signed in ({reason}). Run `az login`, or set {TOKEN_VARIABLE} to "
                "a token from `az account get-access-token --query accessToken -o tsv`")
    if status == 403:
        return (f"cannot read {what} {where}: permission denied ({reason}). Ask for the Reader role (or "
                "Cognitive Services Contributor) on the resource group or subscription")
    if status == 404:
        missing = (f"resource group {group} does not exist in subscription {subscription}"
                   if code == "ResourceGroupNotFound" and group else f"{what} was not found {where}")
        return f"cannot read {what}: {missing} ({reason}). Check --resource-group, --account and --subscription"
    if status == 429:
        return (f"cannot read {what} {where}: Azure is throttling the reads (429 after {RETRIES} retries); "
                "try again in a few minutes")
    if status is not None:
        return f"cannot read {what} {where}: Azure answered {status} ({reason}); try again later"
    if found.kind == "unreachable":
        return f"cannot reach Azure Resource Manager to read {what}: {reason}. Check --arm-endpoint and the network"
    return f"cannot read {what} {where}: Azure Resource Manager stopped answering ({reason}); try again later"
