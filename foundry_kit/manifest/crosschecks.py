"""Rules that span several values, which JSON Schema cannot express.

They run on the raw document next to the schema, so a user sees every error at once.
Each check reads defensively: a value of the wrong shape is the schema's to report, and
is skipped here.
"""

from __future__ import annotations

import ipaddress
import re
import warnings
from collections import defaultdict
from typing import Any, Callable, Iterator

from foundry_kit.manifest.document import Document, Path, format_path
from foundry_kit.manifest.reading import accounts_in, as_list, as_map, as_str, deployments_in, did_you_mean
from foundry_kit.errors import Problem
from foundry_kit.catalog.instance_types import shipped_instance_types
from foundry_kit.manifest.model import BUILTIN_CONTENT_FILTERS, private_endpoint_name, subdomain_of
from foundry_kit.azure.roles import role_definition_guid
from foundry_kit.manifest.schema import validator

_SUBDOMAIN = re.compile(validator().schema["$defs"]["account"]["properties"]["subdomain"]["pattern"])
_PRIVATE_ENDPOINT_NAME_LIMIT = 80
_PROVISIONED = ("ProvisionedManaged", "GlobalProvisionedManaged", "DataZoneProvisionedManaged")
_OPENAI_ONLY_FORMATS = ("OpenAI",)
_PROVIDER_DATA_FORMAT = "Anthropic"  # the model format whose deployments carry modelProviderData


def check_references(doc: Document) -> Iterator[Problem]:
    """contentFilter, blocklist and spillover names point at things that exist."""
    data = doc.data
    filters = as_map(data.get("contentFilters"))
    blocklists = as_map(data.get("blocklists"))
    for name in filters:
        if name.startswith("Microsoft."):
            yield doc.problem(("contentFilters", name), f"'{name}' is reserved for Azure's built-in policies: choose another name", prefer_key=True)
    for path, name, deployment, account in deployments_in(data):
        wanted = as_str(deployment.get("contentFilter"))
        if wanted and wanted not in filters and wanted not in BUILTIN_CONTENT_FILTERS:
            yield doc.problem(path + ("contentFilter",),
                              f"content filter '{wanted}' is not defined in contentFilters{did_you_mean(wanted, list(filters))}; "
                              f"built-in policies are {', '.join(BUILTIN_CONTENT_FILTERS)}")
        target = as_str(deployment.get("spillover"))
        siblings = list(as_map(account.get("deployments")))
        if target == name:
            yield doc.problem(path + ("spillover",), "a deployment cannot spill over to itself")
        elif target and target not in siblings:
            yield doc.problem(path + ("spillover",),
                              f"spillover deployment '{target}' is not a deployment of this account{did_you_mean(target, siblings)}")
    for name, spec in filters.items():
        for index, blocklist in enumerate(as_list(as_map(spec).get("blocklists"))):
            if isinstance(blocklist, str) and blocklist not in blocklists:
                yield doc.problem(("contentFilters", name, "blocklists", index),
                                  f"blocklist '{blocklist}' is not defined in blocklists{did_you_mean(blocklist, list(blocklists))}")


def check_spillover(doc: Document) -> Iterator[Problem]:
    """Spillover goes from a provisioned deployment to a standard one (Azure's rule)."""
    for path, _name, deployment, account in deployments_in(doc.data):
        target = as_str(deployment.get("spillover"))
        target_spec = as_map(as_map(account.get("deployments")).get(target))
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


def check_unique_names(doc: Document) -> Iterator[Problem]:
    """Azure names are case-insensitive: names that differ only in case collide."""
    accounts = list(accounts_in(doc.data))
    yield from _unique(doc, "account name", ((("accounts", key, "name"), account.get("name")) for key, account in accounts))
    yield from _unique(doc, "custom subdomain", (
        (("accounts", key, "subdomain" if "subdomain" in account else "name"), _subdomain(account)) for key, account in accounts))
    for key, account in accounts:
        base = ("accounts", key)
        yield from _unique(doc, "deployment name", ((base + ("deployments", name), name) for name in as_map(account.get("deployments"))), key=True)
        yield from _unique(doc, "project name", ((base + ("projects", name), name) for name in as_map(account.get("projects"))), key=True)
        yield from _unique(doc, "private endpoint name", (
            (base + ("privateEndpoints", index), _pe_name(account, endpoint)) for index, endpoint in enumerate(as_list(account.get("privateEndpoints")))))
        yield from _unique(doc, "role assignment", (
            (base + ("roleAssignments", index), _assignment(assignment)) for index, assignment in enumerate(as_list(account.get("roleAssignments")))),
            note="")
    yield from _unique(doc, "content filter name", ((("contentFilters", name), name) for name in as_map(doc.data.get("contentFilters"))), key=True)
    yield from _unique(doc, "blocklist name", ((("blocklists", name), name) for name in as_map(doc.data.get("blocklists"))), key=True)


def _subdomain(account: dict[str, Any]) -> str | None:
    return subdomain_of(account) if isinstance(account.get("name"), str) and isinstance(account.get("subdomain", ""), str) else None


def _pe_name(account: dict[str, Any], endpoint: Any) -> str | None:
    try:
        name = private_endpoint_name(account["name"], endpoint)
    except (KeyError, IndexError, TypeError, AttributeError):
        return None
    return name if isinstance(name, str) else None


def _assignment(assignment: Any) -> str | None:
    try:
        return f"{assignment['principalId'].lower()} / {role_definition_guid(assignment['role'])}"
    except (KeyError, TypeError, AttributeError):
        return None


def _unique(doc: Document, what: str, entries: Any, key: bool = False,
            note: str = " (Azure names ignore case)") -> Iterator[Problem]:
    first: dict[str, Path] = {}
    for path, value in entries:
        if not isinstance(value, str):
            continue
        seen = first.setdefault(value.lower(), path)
        if seen != path:
            line = doc.position(seen, prefer_key=key).line
            yield doc.problem(path, f"{what} '{value}' is already used at line {line}{note}", prefer_key=key)


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
            pe_name = _pe_name(account, endpoint)
            if pe_name and len(pe_name) > _PRIVATE_ENDPOINT_NAME_LIMIT and "name" not in endpoint:
                yield doc.problem(base + ("privateEndpoints", index), f"the default name '{pe_name}' is longer than "
                                  f"Azure's {_PRIVATE_ENDPOINT_NAME_LIMIT} characters: set name", prefer_key=True)
        for index, rule in enumerate(as_list(as_map(account.get("networkAcls")).get("ipRules"))):
            if isinstance(rule, str):
                try:
                    ipaddress.IPv4Network(rule, strict=True)
                except ValueError as error:
                    yield doc.problem(base + ("networkAcls", "ipRules", index), f"'{rule}' is not a valid IPv4 address or range: {error}")


def check_blocklists(doc: Document) -> Iterator[Problem]:
    """Items are unique (they are named by their content) and regexes compile."""
    for name, blocklist in as_map(doc.data.get("blocklists")).items():
        seen: dict[tuple[str, bool], int] = {}
        for index, item in enumerate(as_list(as_map(blocklist).get("items"))):
            pattern, regex = (item, False) if isinstance(item, str) else (as_str(as_map(item).get("pattern")), as_map(item).get("regex", False))
            if pattern is None or not isinstance(regex, bool):
                continue
            path = ("blocklists", name, "items", index)
            if (pattern, regex) in seen:
                yield doc.problem(path, f"duplicate item {pattern!r} (already at line {doc.position(path[:-1] + (seen[pattern, regex],)).line})")
            seen.setdefault((pattern, regex), index)
            if regex:
                reason = _regex_error(pattern)
                if reason:
                    yield doc.problem(path, f"invalid regular expression {pattern!r}: {reason}")


def _regex_error(pattern: str) -> str | None:
    """Why `pattern` does not compile (Python's dialect, close to .NET's for common syntax), or None."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # FutureWarnings about possible future syntax are not errors
        try:
            re.compile(pattern)
        except re.error as error:
            return str(error)
        except (OverflowError, RecursionError, ValueError):
            return "too large or too deeply nested"
    return None


def check_quotas(doc: Document) -> Iterator[Problem]:
    """The sum of capacities per (location, sku, model) stays within each budget."""
    data = doc.data
    requested: dict[tuple[str, str, str], list[tuple[Path, int]]] = defaultdict(list)
    for path, _name, deployment, account in deployments_in(data):
        location = account.get("location") or data.get("location")
        model = as_str(as_map(deployment.get("model")).get("name"))
        sku = as_str(deployment.get("sku"))
        capacity = deployment.get("capacity")
        if isinstance(location, str) and model and sku:
            valid = isinstance(capacity, int) and not isinstance(capacity, bool)
            requested[location, sku, model].append((path, capacity if valid else 0))
    for index, quota in enumerate(as_list(data.get("quotas"))):
        quota = as_map(quota)
        limit = quota.get("limit")
        if not isinstance(limit, int) or isinstance(limit, bool):
            continue
        key = (quota.get("location"), quota.get("sku"), quota.get("model"))
        if not all(isinstance(part, str) for part in key):
            continue
        users = requested.get(key, [])
        if not users and limit > 0:  # a budget of 0 forbids a model; any other budget nothing uses is likely a typo
            yield doc.problem(("quotas", index), f"no deployment uses {key[2]} {key[1]} in {key[0]}: check the model name, SKU and location",
                              severity="warning")
        total = sum(capacity for _path, capacity in users)
        if total > limit:
            parts = ", ".join(f"{format_path(path)} ({capacity})" for path, capacity in users)
            yield doc.problem(("quotas", index, "limit"),
                              f"deployments request {total} capacity units of {quota.get('model')} {quota.get('sku')} in "
                              f"{quota.get('location')}, over the limit of {limit}: {parts}")


def check_unused(doc: Document) -> Iterator[Problem]:
    """Warn about filters and blocklists nothing uses: the kit creates them nowhere."""
    data = doc.data
    used_filters = {as_str(d.get("contentFilter")) for _p, _n, d, _a in deployments_in(data)}
    filters = as_map(data.get("contentFilters"))
    for name in filters:
        if name not in used_filters and _written_here(doc, ("contentFilters", name)):
            yield doc.problem(("contentFilters", name), f"content filter '{name}' is used by no deployment, so it is created on no account",
                              prefer_key=True, severity="warning")
    used_lists = {b for spec in filters.values() for b in as_list(as_map(spec).get("blocklists")) if isinstance(b, str)}
    for name in as_map(data.get("blocklists")):
        if name not in used_lists and _written_here(doc, ("blocklists", name)):
            yield doc.problem(("blocklists", name), f"blocklist '{name}' is used by no content filter, so it is created on no account",
                              prefer_key=True, severity="warning")


def _written_here(doc: Document, path: Path) -> bool:
    """Defined in this file rather than in a shared base that many stacks extend."""
    return doc.position(path, prefer_key=True).file == doc.file


# --- hubs, their projects and endpoints ---------------------------------------------------

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


def _online_deployments(data: dict[str, Any]) -> Iterator[tuple[Path, str, dict[str, Any], dict[str, Any]]]:
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
    yield from _unique(doc, "workspace name", [
        *((("hubs", key, "name"), hub.get("name")) for key, hub in hubs),
        *((("hubs", key, "projects", name), name) for key, hub in hubs for name in as_map(hub.get("projects")))],
        key=True, note=" (hubs and projects are workspaces of one resource group, and Azure names ignore case)")
    by_region: dict[str, list[tuple[Path, str]]] = defaultdict(list)
    for path, name, _endpoint, hub in _hub_children(data, "onlineEndpoints"):
        location = hub.get("location") or data.get("location")
        if isinstance(location, str):
            by_region[location].append((path, name))
    for location, endpoints in by_region.items():
        yield from _unique(doc, "online endpoint name", endpoints, key=True,
                           note=f" (online endpoint names are unique in a region, here {location})")
    for key, hub in hubs:
        for project_name, project in as_map(hub.get("projects")).items():
            base = ("hubs", key, "projects", project_name)
            for kind in ("serverlessEndpoints", "onlineEndpoints"):
                yield from _unique(doc, "endpoint name", ((base + (kind, name), name) for name in as_map(as_map(project).get(kind))),
                                   key=True)
    for path, _name, endpoint, _hub in _hub_children(data, "onlineEndpoints"):
        yield from _unique(doc, "deployment name", ((path + ("deployments", name), name) for name in as_map(endpoint.get("deployments"))),
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
    for path, _name, deployment, _hub in _online_deployments(doc.data):
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


def check_instance_types(doc: Document) -> Iterator[Problem]:
    """Instance types are in catalog/instance-types.yaml and not retired."""
    from foundry_kit.catalog.checks import today  # catalog_checks reads this module's helpers: import when run

    table = shipped_instance_types()
    day = None
    for path, _name, deployment, _hub in _online_deployments(doc.data):
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
        day = day or today()
        if known.retires and day >= known.retires:
            instead = f": use {known.replacement}" if known.replacement else ""
            yield doc.problem(path + ("instanceType",), f"{name} is retired since {known.retires}{instead} "
                                                       f"({known.retirement_source or known.source})")


def check_core_quotas(doc: Document) -> Iterator[Problem]:
    """The vCPU cores of managed online deployments per (location, VM family) stay within each budget."""
    data = doc.data
    table = shipped_instance_types()
    requested: dict[tuple[str, str], list[tuple[Path, int, int]]] = defaultdict(list)
    for path, _name, deployment, hub in _online_deployments(data):
        location = hub.get("location") or data.get("location")
        known = table.get(as_str(deployment.get("instanceType")) or "")
        count = deployment.get("instanceCount", 1)
        if isinstance(location, str) and known and isinstance(count, int) and not isinstance(count, bool):
            requested[location, known.vm_family.lower()].append((path, count, known.cores))
    for index, quota in enumerate(as_list(data.get("quotas"))):
        quota = as_map(quota)
        limit, location, family = quota.get("limit"), quota.get("location"), quota.get("vmFamily")
        if not (isinstance(limit, int) and not isinstance(limit, bool) and isinstance(location, str) and isinstance(family, str)):
            continue
        users = requested.get((location, family.lower()), [])
        if not users and limit > 0:
            hint = did_you_mean(family, table.families())
            yield doc.problem(("quotas", index), f"no online deployment uses {family} in {location}{hint}: "
                                                 f"check the VM family and location", severity="warning")
        total = sum(count * cores for _path, count, cores in users)
        if total > limit:
            parts = ", ".join(f"{format_path(path)} ({count} × {cores} = {count * cores})" for path, count, cores in users)
            yield doc.problem(("quotas", index, "limit"), f"online deployments request {total} vCPU cores of {family} in "
                                                          f"{location}, over the limit of {limit}: {parts}")


CHECKS: tuple[Callable[[Document], Iterator[Problem]], ...] = (
    check_references, check_spillover, check_model_provider_data, check_unique_names, check_accounts, check_blocklists,
    check_quotas, check_unused,
    check_hubs, check_hub_names, check_endpoint_models, check_traffic, check_instance_types, check_core_quotas,
)
