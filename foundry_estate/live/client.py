"""The only code that calls Azure: every live read of the kit (`catalog refresh`, `quota --live`,
`import`, `drift`) goes through `connect()` and the `AzureLists` it returns.

It needs the optional extra `live` (azure-identity, azure-mgmt-cognitiveservices), imported here
and only when a live command runs, and hands back REST JSON (the SDK's models serialized back to
Azure's own spelling), which `foundry_estate/azure/lists.py` and `estate.py` read.

- Where: `--arm-endpoint URL`, else `FOUNDRY_KIT_ARM_ENDPOINT`, else Azure's public cloud. The
  token's scope follows the endpoint (the SDK's table for the public, China and US Government
  clouds; `<endpoint>/.default` for any other).
- Who: `FOUNDRY_KIT_ACCESS_TOKEN` (a bearer token, e.g. `az account get-access-token --query
  accessToken -o tsv`) when set, else `DefaultAzureCredential` (az login, environment variables,
  a managed identity...).
- TLS: the system's trust store, or the bundle `REQUESTS_CA_BUNDLE` names (a proxy's CA).
- Throttling and server errors: azure-core's `RetryPolicy` retries 408, 429 and 5xx, waiting what
  `Retry-After` says (else exponential back-off), at most `RETRIES` times; paging follows
  `nextLink` (the SDK's `ItemPaged`).
- Failures end in a `KitError` in the user's terms (sign-in, permission, not found, throttled,
  Azure's own error, unreachable), never a traceback.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from foundry_estate.errors import KitError, Problem

INSTALL = "pip install 'foundry-estate[live]'"
PUBLIC_CLOUD = "https://management.azure.com"
ENDPOINT_VARIABLE = "FOUNDRY_KIT_ARM_ENDPOINT"
TOKEN_VARIABLE = "FOUNDRY_KIT_ACCESS_TOKEN"
CA_VARIABLE = "REQUESTS_CA_BUNDLE"

# Bounded retries: 429 waits what Retry-After says (capped by BACKOFF_MAX seconds), other
# retriable answers back off exponentially from BACKOFF seconds. Tests make BACKOFF small.
RETRIES = 4
BACKOFF = 0.8
BACKOFF_MAX = 60
TIMEOUT = 60  # seconds to connect and to read one response


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


def connect(subscription: str, endpoint: str | None = None) -> "AzureLists":
    """A reader of `subscription` at the ARM endpoint (`--arm-endpoint`, the environment or the public cloud)."""
    try:
        from azure.mgmt.cognitiveservices import CognitiveServicesManagementClient
    except ImportError as error:
        raise KitError([Problem.at(".", f"the live commands need the optional extra 'live' ({error.name or 'azure'} is not "
                                        f"installed): {INSTALL}")]) from None
    url = arm_endpoint(endpoint)
    options: dict[str, Any] = {"retry_total": RETRIES, "retry_status": RETRIES, "retry_backoff_factor": BACKOFF,
                               "retry_backoff_max": BACKOFF_MAX, "connection_timeout": TIMEOUT, "read_timeout": TIMEOUT}
    bundle = os.environ.get(CA_VARIABLE)
    if bundle:
        options["connection_verify"] = bundle
    client = CognitiveServicesManagementClient(credential(), subscription, base_url=url,
                                               credential_scopes=[credential_scope(url)], **options)
    return AzureLists(subscription, client, url)


class AzureLists:
    """Reads of one subscription, each as REST JSON: lists fully paged, single resources as one body."""

    def __init__(self, subscription: str, client: Any, endpoint: str = PUBLIC_CLOUD):
        self.subscription, self.client, self.endpoint = subscription, client, endpoint

    def models(self, location: str) -> list[dict[str, Any]]:
        """Models_List: the models, versions and SKUs offered in `location`."""
        return self._read(lambda: self.client.models.list(location), f"the models list of {location}")

    def usages(self, location: str) -> list[dict[str, Any]]:
        """Usages_List: the quota limits and current values in `location`."""
        return self._read(lambda: self.client.usages.list(location), f"the usages of {location}")

    def accounts(self, group: str) -> list[dict[str, Any]]:
        """Accounts_ListByResourceGroup."""
        return self._read(lambda: self.client.accounts.list_by_resource_group(group),
                          f"the Foundry accounts of resource group {group}", group)

    def account(self, group: str, name: str) -> dict[str, Any]:
        """Accounts_Get."""
        return self._read(lambda: [self.client.accounts.get(group, name)], f"account {name} in resource group {group}",
                          group)[0]

    def deployments(self, group: str, account: str) -> list[dict[str, Any]]:
        return self._read(lambda: self.client.deployments.list(group, account), f"the deployments of account {account}",
                          group)

    def rai_policies(self, group: str, account: str) -> list[dict[str, Any]]:
        return self._read(lambda: self.client.rai_policies.list(group, account),
                          f"the content filters (RAI policies) of account {account}", group)

    def rai_blocklists(self, group: str, account: str) -> list[dict[str, Any]]:
        return self._read(lambda: self.client.rai_blocklists.list(group, account), f"the blocklists of account {account}",
                          group)

    def rai_blocklist_items(self, group: str, account: str, blocklist: str) -> list[dict[str, Any]]:
        return self._read(lambda: self.client.rai_blocklist_items.list(group, account, blocklist),
                          f"the items of blocklist {blocklist} of account {account}", group)

    def projects(self, group: str, account: str) -> list[dict[str, Any]]:
        return self._read(lambda: self.client.projects.list(group, account), f"the projects of account {account}", group)

    def _read(self, call: Callable[[], Iterable[Any]], what: str, group: str | None = None) -> list[dict[str, Any]]:
        from azure.core.exceptions import AzureError

        try:
            return [item.serialize(keep_readonly=True) for item in call()]
        except AzureError as error:
            raise KitError([Problem.at(".", failure(error, what, self.subscription, group))]) from None


def failure(error: Any, what: str, subscription: str, group: str | None) -> str:
    """An Azure SDK error in the user's terms: what could not be read, why, and what to do."""
    from azure.core.exceptions import ClientAuthenticationError, HttpResponseError, ServiceRequestError

    status = getattr(error, "status_code", None)
    code = _code(error)
    reason = f"{code}: {_message(error)}" if code else _message(error)
    where = f"in subscription {subscription}"
    if status == 401 or (isinstance(error, ClientAuthenticationError) and status is None):
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
    if isinstance(error, HttpResponseError) and status is not None:
        return f"cannot read {what} {where}: Azure answered {status} ({reason}); try again later"
    if isinstance(error, ServiceRequestError):
        return f"cannot reach Azure Resource Manager to read {what}: {reason}. Check --arm-endpoint and the network"
    return f"cannot read {what} {where}: {reason}"


def _code(error: Any) -> str | None:
    inner = getattr(error, "error", None)
    code = getattr(inner, "code", None)
    return code if isinstance(code, str) and code else None


def _message(error: Any) -> str:
    inner = getattr(error, "error", None)
    message = getattr(inner, "message", None)
    if isinstance(message, str) and message:
        return message
    text = str(getattr(error, "message", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__
