"""Hubs, their projects and endpoints."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from typing import Any, Iterator

from foundry_estate.catalog.instance_types import shipped_instance_types
from foundry_estate.errors import Problem
from foundry_estate.validate.checks.names import unique
from foundry_estate.manifest.document import Document, Path
from foundry_estate.manifest.reading import as_map, as_str, did_you_mean

_MODEL_ID = re.compile(r"^azureml://registries/[^/]+/models/[^/]+$")
_MODEL_ASSET = re.compile(r"^(azureml://registries/[^/]+/models/[^/]+)/versions/[^/]+$")
_HUB_DEPENDENCIES = (("storageAccountId", "storageAccount", "storage account"), ("keyVaultId", "keyVault", "key vault"))


def _hubs(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for key, hub in as_map(data.get("hubs")).items():
        if isinstance(hub, dict):
            yield key, hub


def _hub_children(data: dict[str, Any], kind: str) -> Iterator[tuple[Path, str, dict[str, Any], dict[str, Any]]]:
    """(path, Azure name, spec, hub) of every `serverlessEndpoints` or `onlineEndpoints` entry of every project."""
    for key, hub in _hubs(data):
        for project_name, project in as_map(hub.get("projects")).items():
            for name, spec in as_map(as_map(project).get(kind)).items():
                if isinstance(spec, dict):
                    yield ("hubs", key, "projects", project_name, kind, name), name, spec, hub


def online_deployments(data: dict[str, Any]) -> Iterator[tuple[Path, str, dict[str, Any], dict[str, Any]]]:
    for path, _name, endpoint, hub in _hub_children(data, "onlineEndpoints"):
        for name, spec in as_map(endpoint.get("deployments")).items():
            if isinstance(spec, dict):
                yield path + ("deployments", name), name, spec, hub


def check_hubs(doc: Document) -> Iterator[Problem]:
    """Each hub has a location and a storage account and key vault: given by id, or created by the kit."""
    for key, hub in _hubs(doc.data):
        base = ("hubs", key)
        if "location" not in hub and "location" not in doc.data:
            yield doc.problem(base, "no location: set hubs.<key>.location or the top-level location", prefer_key=True)
        create = as_map(hub.get("create"))
        missing = []
        for id_key, create_key, what in _HUB_DEPENDENCIES:
            if id_key in hub and create_key in create:
                yield doc.problem(base + ("create", create_key), f"{id_key} already names the hub's {what}: "
                                                                 f"give its id or let the kit create one, not both", prefer_key=True)
            elif id_key not in hub and create_key not in create:
                missing.append(f"no {what}: set {id_key} to an existing one, or create.{create_key} to the name of one "
                               f"the kit creates")
        if missing:
            yield doc.problem(base, "; ".join(missing), prefer_key=True)


def check_hub_names(doc: Document) -> Iterator[Problem]:
    """Workspaces (hubs and projects) share a resource group; online endpoints share a region."""
    data = doc.data
    hubs = list(_hubs(data))
    yield from unique(doc, "workspace name", [
        *((("hubs", key, "name"), hub.get("name")) for key, hub in hubs),
        *((("hubs", key, "projects", name), name) for key, hub in hubs for name in as_map(hub.get("projects")))],
        key=True, note=" (hubs and projects are workspaces of one resource group, and Azure names ignore case)")
    by_region: dict[str, list[tuple[Path, str]]] = defaultdict(list)
    for path, name, _endpoint, hub in _hub_children(data, "onlineEndpoints"):
        location = hub.get("location") or data.get("location")
        if isinstance(location, str):
            by_region[location].append((path, name))
    for location, endpoints in by_region.items():
        yield from unique(doc, "online endpoint name", endpoints, key=True,
                           note=f" (online endpoint names are unique in a region, here {location})")
    for key, hub in hubs:
        for project_name, project in as_map(hub.get("projects")).items():
            base = ("hubs", key, "projects", project_name)
            for kind in ("serverlessEndpoints", "onlineEndpoints"):
                yield from unique(doc, "endpoint name", ((base + (kind, name), name) for name in as_map(as_map(project).get(kind))),
                                   key=True)
    for path, _name, endpoint, _hub in _hub_children(data, "onlineEndpoints"):
        yield from unique(doc, "deployment name", ((path + ("deployments", name), name) for name in as_map(endpoint.get("deployments"))),
                           key=True)


def check_endpoint_models(doc: Document) -> Iterator[Problem]:
    """Serverless endpoints name a model without a version, managed deployments pin one; one
    serverless endpoint per model per project (Azure's limit)."""
    served: dict[tuple[Path, str], Path] = {}
    for path, _name, endpoint, _hub in _hub_children(doc.data, "serverlessEndpoints"):
        model_id = as_str(endpoint.get("modelId"))
        if not model_id:
            continue
        pinned = _MODEL_ASSET.match(model_id)
        if pinned:
            yield doc.problem(path + ("modelId",), f"a serverless endpoint always serves the model's latest version: "
                                                   f"write {pinned.group(1)}, without /versions/...")
            continue
        if not _MODEL_ID.match(model_id):
            yield doc.problem(path + ("modelId",), f"'{model_id}' is not a model id: expected "
                                                   f"azureml://registries/<registry>/models/<model>")
            continue
        first = served.setdefault((path[:4], model_id.lower()), path)
        if first != path:
            yield doc.problem(path + ("modelId",), f"{model_id} is already served by serverless endpoint '{first[-1]}' "
                                                   f"(line {doc.position(first, prefer_key=True).line}): "
                                                   f"Azure allows one serverless endpoint per model in a project")
    for path, _name, deployment, _hub in online_deployments(doc.data):
        model = as_str(deployment.get("model"))
        if not model or _MODEL_ASSET.match(model):
            continue
        if _MODEL_ID.match(model):
            yield doc.problem(path + ("model",), f"a managed deployment pins a model version: write {model}/versions/<version>")
        else:
            yield doc.problem(path + ("model",), f"'{model}' is not a model asset id: expected "
                                                 f"azureml://registries/<registry>/models/<model>/versions/<version>")


def check_traffic(doc: Document) -> Iterator[Problem]:
    """Traffic names deployments of its endpoint and sums to 100."""
    for path, _name, endpoint, _hub in _hub_children(doc.data, "onlineEndpoints"):
        deployments = list(as_map(endpoint.get("deployments")))
        traffic = endpoint.get("traffic")
        if traffic is None:
            if len(deployments) > 1:
                yield doc.problem(path, f"no traffic: with {len(deployments)} deployments ({', '.join(deployments)}), "
                                        f"say which percentage of requests each serves, summing to 100", prefer_key=True)
            continue
        shares = as_map(traffic)
        for name in shares:
            if name not in deployments:
                yield doc.problem(path + ("traffic", name), f"'{name}' is not a deployment of this endpoint"
                                                            f"{did_you_mean(name, deployments)}", prefer_key=True)
        percents = [share for share in shares.values()
                    if isinstance(share, int) and not isinstance(share, bool) and 0 <= share <= 100]
        if (shares or deployments) and len(percents) == len(shares) and sum(percents) != 100:
            parts = ", ".join(f"{name} {share}" for name, share in shares.items()) or "no deployment has a share"
            yield doc.problem(path + ("traffic",), f"traffic sums to {sum(percents)}, not 100: {parts}")


def check_instance_types(doc: Document, day: date) -> Iterator[Problem]:
    """Instance types are in catalog/instance-types.yaml and not retired on `day`."""
    table = shipped_instance_types()
    for path, _name, deployment, _hub in online_deployments(doc.data):
        name = as_str(deployment.get("instanceType"))
        if not name:
            continue
        known = table.get(name)
        if known is None:
            close = table.named(name)
            hint = f" (did you mean '{close.name}'?)" if close else did_you_mean(name, [t.name for t in table.types])
            yield doc.problem(path + ("instanceType",), f"'{name}' is not in catalog/instance-types.yaml{hint}: use a size "
                                                       f"listed there, or add it with its cores and VM family")
            continue
        if known.retires and day >= known.retires:
            instead = f": use {known.replacement}" if known.replacement else ""
            yield doc.problem(path + ("instanceType",), f"{name} is retired since {known.retires}{instead} "
                                                       f"({known.retirement_source or known.source})")
