"""Rules between the keys of one deployment: spillover, Anthropic's provider data."""

from __future__ import annotations

from typing import Iterator

from foundry_estate.errors import Problem
from foundry_estate.manifest.document import Document
from foundry_estate.manifest.reading import as_map, as_str, deployments_in, did_you_mean

_PROVISIONED = ("ProvisionedManaged", "GlobalProvisionedManaged", "DataZoneProvisionedManaged")
_PROVIDER_DATA_FORMAT = "Anthropic"  # the model format whose deployments carry modelProviderData


def check_spillover(doc: Document) -> Iterator[Problem]:
    """Spillover goes from a provisioned deployment to a standard one (Azure's rule)."""
    for path, _name, deployment, account in deployments_in(doc.data):
        target = as_str(deployment.get("spillover"))
        target_spec = as_map(as_map(account.get("deployments")).get(target or ""))
        if not target or not target_spec:
            continue
        if deployment.get("sku") not in _PROVISIONED:
            yield doc.problem(path + ("spillover",), f"spillover is only available on provisioned deployments ({', '.join(_PROVISIONED)}), not {deployment.get('sku')}")
        elif target_spec.get("sku") in _PROVISIONED:
            yield doc.problem(path + ("spillover",), f"spillover deployment '{target}' must use a standard SKU, not {target_spec.get('sku')}")


def check_model_provider_data(doc: Document) -> Iterator[Problem]:
    """Anthropic models carry modelProviderData (Azure refuses them without it); other models do not."""
    for path, _name, deployment, _account in deployments_in(doc.data):
        model_format = as_str(as_map(deployment.get("model")).get("format"))
        if model_format == _PROVIDER_DATA_FORMAT and "modelProviderData" not in deployment:
            yield doc.problem(path, "missing required key 'modelProviderData': Anthropic models need {organizationName, "
                                    "countryCode, industry}, the organization on whose behalf Azure accepts Anthropic's terms",
                              prefer_key=True)
        elif model_format and model_format != _PROVIDER_DATA_FORMAT and "modelProviderData" in deployment:
            close = did_you_mean(model_format, [_PROVIDER_DATA_FORMAT])
            yield doc.problem(path + ("modelProviderData",), f"modelProviderData is for Anthropic models only, not format "
                                                             f"'{model_format}'{close or ': remove it'}", prefer_key=True)
