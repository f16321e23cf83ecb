"""What Azure bills a stack for, read from either side of the kit, in one shape (`Billed`).

- `from_manifest`: a validated manifest (`validate` and its max-monthly-cost guardrail): each
  item remembers its manifest path.
- `from_inputs`: one resource as the program registers it, in azure-native's input names (`plan`,
  `diff`, `cost` under the mock engine, and the policy pack): a model deployment
  (`accountName`, `deploymentName`, `sku.{name, capacity}`, `properties.model`) in its account's
  region, or a managed online deployment (`workspaceName`, `endpointName`, `deploymentName`,
  `location`, `sku.capacity` instances, `properties.instanceType`).

Both name an item the same way (`<account>/<deployment>`, `<project>/<endpoint>/<deployment>`),
so the two sides agree line by line.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from foundry_estate.azure.resource_types import DEPLOYMENT, ONLINE_DEPLOYMENT
from foundry_estate.catalog.estimate import INSTANCES, Billed, Usage, kind_of_sku
from foundry_estate.manifest.model import Manifest


def from_manifest(manifest: Manifest) -> Iterator[Billed]:
    for account in manifest.accounts:
        for d in account.deployments:
            usage = Usage(d.usage.input_tokens, d.usage.output_tokens) if d.usage else None
            yield Billed(f"{account.name}/{d.name}", kind_of_sku(d.sku), account.location, d.capacity, d.sku,
                         d.model.format, d.model.name, usage=usage, where=("accounts", account.key, "deployments", d.name))
    for hub in manifest.hubs:
        for project in hub.projects:
            for endpoint in project.online_endpoints:
                for online in endpoint.deployments:
                    where = ("hubs", hub.key, "projects", project.name, "onlineEndpoints", endpoint.name, "deployments",
                             online.name)
                    yield Billed(f"{project.name}/{endpoint.name}/{online.name}", INSTANCES, hub.location,
                                 online.instance_count, instance_type=online.instance_type, where=where)


def usage_of(manifest: Manifest) -> dict[str, Usage]:
    """The declared usage of each deployment, by the name `from_inputs` gives it (usage is never sent to Azure)."""
    return {item.resource: item.usage for item in from_manifest(manifest) if item.usage is not None}


def from_inputs(type_: str, inputs: Mapping[str, Any], region: str | None, where: Any = None,
                usage: Mapping[str, Usage] | None = None) -> Billed | None:
    """The billed item of one registered resource (None: not a billed kind, or a value unknown
    during preview). `region` is the account's for a model deployment."""
    sku = _map(inputs.get("sku"))
    properties = _map(inputs.get("properties"))
    capacity = _whole(sku.get("capacity"))
    if type_ == DEPLOYMENT:
        model = _map(properties.get("model"))
        account, name, sku_name = inputs.get("accountName"), inputs.get("deploymentName"), sku.get("name")
        model_format, model_name = model.get("format"), model.get("name")
        if not all(isinstance(v, str) and v for v in (account, name, sku_name, model_format, model_name, region)) \
                or capacity is None:
            return None
        resource = f"{account}/{name}"
        return Billed(resource, kind_of_sku(sku_name), region, capacity, sku_name, model_format, model_name,  # type: ignore[arg-type]
                      usage=(usage or {}).get(resource), where=where)
    if type_ == ONLINE_DEPLOYMENT:
        names = (inputs.get("workspaceName"), inputs.get("endpointName"), inputs.get("deploymentName"))
        location, instance_type = inputs.get("location"), properties.get("instanceType")
        if not all(isinstance(v, str) and v for v in (*names, location, instance_type)) or capacity is None:
            return None
        return Billed("/".join(names), INSTANCES, location, capacity, instance_type=instance_type, where=where)  # type: ignore[arg-type]
    return None


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _whole(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)  # the engine's wire carries every number as a double
    return value if isinstance(value, int) else None
