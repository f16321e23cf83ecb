"""Per-account rules: location, subdomain, kind-specific features, network values."""

from __future__ import annotations

import ipaddress
import re
from typing import Iterator

from foundry_estate.errors import Problem
from foundry_estate.validate.checks.names import pe_name
from foundry_estate.manifest.document import Document
from foundry_estate.manifest.reading import accounts_in, as_list, as_map, as_str
from foundry_estate.manifest.schema import schema_document

_SUBDOMAIN = re.compile(schema_document()["$defs"]["account"]["properties"]["subdomain"]["pattern"])
_PRIVATE_ENDPOINT_NAME_LIMIT = 80
_OPENAI_ONLY_FORMATS = ("OpenAI",)


def check_accounts(doc: Document) -> Iterator[Problem]:
    """Per-account rules: location, subdomain, kind-specific features, network values."""
    data = doc.data
    group = as_map(data.get("resourceGroup"))
    if group and group.get("create", True) is True and "location" not in data:
        yield doc.problem(("resourceGroup",), "set the top-level location: the kit creates the resource group there", prefer_key=True)
    for key, account in accounts_in(data):
        base = ("accounts", key)
        if "location" not in account and "location" not in data:
            yield doc.problem(base, "no location: set accounts.<key>.location or the top-level location", prefer_key=True)
        name = as_str(account.get("name"))
        if name and "subdomain" not in account and not _SUBDOMAIN.match(name):
            yield doc.problem(base + ("name",), f"'{name}' cannot be the custom subdomain (letters, digits and '-' only): set subdomain")
        if account.get("kind") == "OpenAI":
            if as_map(account.get("projects")):
                yield doc.problem(base + ("projects",), "projects need kind AIServices (an OpenAI account cannot hold projects)", prefer_key=True)
            for name, deployment in as_map(account.get("deployments")).items():
                model_format = as_str(as_map(as_map(deployment).get("model")).get("format"))
                if model_format and model_format not in _OPENAI_ONLY_FORMATS:
                    yield doc.problem(base + ("deployments", name, "model", "format"),
                                      f"an OpenAI account serves only OpenAI models, not '{model_format}': use kind AIServices")
        for index, endpoint in enumerate(as_list(account.get("privateEndpoints"))):
            endpoint_name = pe_name(account, endpoint)
            if endpoint_name and len(endpoint_name) > _PRIVATE_ENDPOINT_NAME_LIMIT and "name" not in endpoint:
                yield doc.problem(base + ("privateEndpoints", index), f"the default name '{endpoint_name}' is longer than "
                                  f"Azure's {_PRIVATE_ENDPOINT_NAME_LIMIT} characters: set name", prefer_key=True)
        for index, rule in enumerate(as_list(as_map(account.get("networkAcls")).get("ipRules"))):
            if isinstance(rule, str):
                try:
                    ipaddress.IPv4Network(rule, strict=True)
                except ValueError as error:
                    yield doc.problem(base + ("networkAcls", "ipRules", index), f"'{rule}' is not a valid IPv4 address or range: {error}")
