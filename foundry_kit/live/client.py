"""The only code that calls Azure: a subscription's models and usages lists, for
`foundry-kit catalog refresh` and `foundry-kit quota --live`.

It needs the optional extra `live` (azure-identity, azure-mgmt-cognitiveservices), imported
here and only when a live command runs, and signs in with `DefaultAzureCredential` (the Azure
CLI's `az login`, environment variables, a managed identity...). It hands back REST JSON, which
`azure_lists.py` reads.
"""

from __future__ import annotations

from typing import Any, Callable

from foundry_kit.errors import KitError, Problem

INSTALL = "pip install -e '.[live]'"


def connect(subscription: str) -> "AzureLists":
    try:
        from azure.identity import DefaultAzureCredential
        from azure.mgmt.cognitiveservices import CognitiveServicesManagementClient
    except ImportError as error:
        raise KitError([Problem.at(".", f"the live commands need the optional extra 'live' ({error.name or 'azure'} is not "
                                        f"installed): {INSTALL}")]) from None
    return AzureLists(subscription, CognitiveServicesManagementClient(DefaultAzureCredential(), subscription))


class AzureLists:
    def __init__(self, subscription: str, client: Any):
        self.subscription, self.client = subscription, client

    def models(self, location: str) -> list[dict[str, Any]]:
        """Models_List: the models, versions and SKUs offered in `location`."""
        return self._list(lambda: self.client.models.list(location), f"the models list of {location}")

    def usages(self, location: str) -> list[dict[str, Any]]:
        """Usages_List: the quota limits and current values in `location`."""
        return self._list(lambda: self.client.usages.list(location), f"the usages of {location}")

    def _list(self, call: Callable[[], Any], what: str) -> list[dict[str, Any]]:
        from azure.core.exceptions import AzureError

        try:
            return [item.serialize(keep_readonly=True) for item in call()]
        except AzureError as error:
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise KitError([Problem.at(".", f"cannot read {what} in subscription {self.subscription}: {reason}")]) from None
