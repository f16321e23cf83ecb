"""Enforcement point 2: guardrails on the resources the Pulumi engine sees.

Facts come from every registered resource of the Foundry types, whoever wrote it (the kit's
components or hand-written code), with engine (camelCase) property names. A resource is
`StackResource`: plain data, a value unknown during preview being `UNKNOWN`.

Properties may be inputs (what the program registers: `Analyze`, and the mock engine) or
outputs (what `AnalyzeStack` hands a stack policy). azure-native's outputs never carry the
path parameters (`accountName`, `deploymentName`, `raiPolicyName`, and for the generic
resource `resourceProviderNamespace`, `resourceType`, `parentResourcePath`, `resourceName`);
while a resource is being created its `name` and `id` are unknown, and properties Azure
computes are unknown until apply. So each resource is identified from what every engine state
has, the first that is known:

- its Azure name: the name input, else the output `name`, else its logical name, which the
  kit derives from Azure names (`components/naming.py`: an account's is its name, a child's
  `<account>/<name>`; read so only for resources inside a kit `FoundryAccount`);
- the account a child belongs to: `accountName`, else its ARM id, else the kit's logical name,
  else the account it depends on;
- a Claude deployment (the generic `resources:Resource`): its inputs, else the ARM type or id
  Azure returned, else its URN (a `ModelDeployment` component's resource).

A value unknown during preview reads as absent (Azure's default applies, as for an unset one).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from foundry_estate.azure.content_filters import levels
from foundry_estate.azure import resource_types as types
from foundry_estate.azure.resource_types import ACCOUNT, DEPLOYMENT, DIAGNOSTIC_SETTING, GENERIC, ONLINE_DEPLOYMENT, \
    PRIVATE_ENDPOINT, RAI_POLICY, is_deployment
from foundry_estate.catalog.billed import from_inputs
from foundry_estate.catalog.prices import PriceTable
from foundry_estate.words import UNKNOWN
from foundry_estate.guardrails.facts import AccountFacts, ContentFilterFacts, DeploymentFacts, Facts, Ref, billed_facts, is_builtin

TYPES = types.GUARDED  # the types the guardrails read: `guarded` in the type table (Claude deployments are generic)
KIT_DEPLOYMENT = "foundry-kit:index:ModelDeployment"
# The kit's components that hold an account's resources (`components/account.py`). The engine's
# URNs name every ancestor type; Pulumi's mock monitor names only the parent's.
KIT_ACCOUNT_PARENTS = frozenset({"foundry-kit:index:FoundryAccount", "foundry-kit:index:ContentFilter",
                                 "foundry-kit:index:Blocklist", KIT_DEPLOYMENT})
_ARM_DEPLOYMENT = "microsoft.cognitiveservices/accounts/deployments"
_ACCOUNT_IN_ID = re.compile(r"/providers/Microsoft\.CognitiveServices/accounts/([^/]+)", re.IGNORECASE)
_ONLINE_ID = re.compile(r"/workspaces/([^/]+)/onlineEndpoints/([^/]+)/deployments/([^/]+)$", re.IGNORECASE)
_DEPLOYMENT_ID = re.compile(r"/providers/Microsoft\.CognitiveServices/accounts/[^/]+/deployments/[^/]+$", re.IGNORECASE)
_DIAGNOSTIC_DESTINATIONS = ("workspaceId", "storageAccountId", "eventHubAuthorizationRuleId", "marketplacePartnerId")


@dataclass(frozen=True)
class StackResource:
    """One resource as the engine sees it, as plain data."""

    type: str
    urn: str
    name: str  # the Pulumi logical name
    props: Mapping[str, Any]
    protect: bool = False
    dependencies: tuple[str, ...] = ()  # URNs
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def ancestors(self) -> tuple[str, ...]:
        """The types of its parents, outermost first, as its URN spells them
        (`urn:pulumi:<stack>::<project>::<parent type>$...$<type>::<name>`)."""
        parts = self.urn.split("::", 3)
        return tuple(parts[2].split("$")[:-1]) if len(parts) == 4 else ()

    @property
    def kit_names(self) -> tuple[str, str] | None:
        """(account, Azure name) from the kit's logical name, for a resource inside a kit account."""
        if KIT_ACCOUNT_PARENTS.isdisjoint(self.ancestors):
            return None
        if self.type == ACCOUNT:
            return self.name, self.name
        account, _, rest = self.name.partition("/")
        return (account, rest.rsplit("/", 1)[-1]) if rest else None


def engine_facts(resources: Iterable[StackResource], prices: PriceTable | None = None) -> Facts:
    found = [_typed(r) for r in resources if r.type in TYPES]
    accounts = {r.urn: r for r in found if r.type == ACCOUNT}
    account_names = {urn: _azure_name(r) for urn, r in accounts.items()}

    def owner(resource: StackResource, arm_id: Any = None, via: str = "accountName") -> str | None:
        """The Azure name of the account `resource` belongs to (or points at)."""
        kit = resource.kit_names
        for candidate in (resource.props.get("accountName"), _account_in_id(arm_id), _account_in_id(resource.props.get("id")),
                          kit[0] if kit else None):
            if _known(candidate):
                return candidate
        linked = [account_names[urn] for urn in (*resource.property_dependencies.get(via, ()), *resource.dependencies)
                  if urn in account_names]
        return linked[0] if linked else None

    policies: dict[tuple[str | None, str], StackResource] = {}
    for r in found:
        if r.type == RAI_POLICY:
            policies.setdefault((owner(r), _azure_name(r)), r)

    endpoints: dict[str | None, int] = {}
    for r in (r for r in found if r.type == PRIVATE_ENDPOINT):
        connections = _list(r.props.get("privateLinkServiceConnections")) + _list(r.props.get("manualPrivateLinkServiceConnections"))
        for connection in map(_map, connections):
            target = connection.get("privateLinkServiceId")
            if _account_in_id(target) or "account" in _list(connection.get("groupIds")):  # an account's private link
                account = owner(r, target, via="privateLinkServiceConnections")
                endpoints[account] = endpoints.get(account, 0) + 1
    monitored = {owner(r, r.props.get("resourceUri"), via="resourceUri") for r in found
                 if r.type == DIAGNOSTIC_SETTING and any(r.props.get(key) for key in _DIAGNOSTIC_DESTINATIONS)}

    account_facts = []
    for urn, r in accounts.items():
        name = account_names[urn]
        properties = _map(r.props.get("properties"))
        account_facts.append(AccountFacts(
            ref=Ref("account", name, name), where=urn,
            local_auth_disabled=properties.get("disableLocalAuth") is True,
            public_network_access=_text(properties.get("publicNetworkAccess"), "Enabled"),  # Azure's default
            private_endpoints=endpoints.get(name, 0),
            identity=_text(_map(r.props.get("identity")).get("type"), "None"),
            diagnostics=name in monitored,
            tags={key: value for key, value in _map(r.props.get("tags")).items() if isinstance(value, str)},
            protect=r.protect))

    deployment_facts = []
    for r in (r for r in found if r.type == DEPLOYMENT):
        account = owner(r)
        properties = _map(r.props.get("properties"))
        model, sku = _map(properties.get("model")), _map(r.props.get("sku"))
        policy_name = properties.get("raiPolicyName")
        deployment_facts.append(DeploymentFacts(
            ref=Ref("deployment", account or "?", _azure_name(r)), where=r.urn,
            format=model.get("format"), model=model.get("name"), version=model.get("version"),
            sku=sku.get("name"), capacity=_integer(sku.get("capacity")),
            # none sent: Azure applies the model's own update policy ("not set", as validate says)
            version_upgrade=properties.get("versionUpgradeOption") if _known(properties.get("versionUpgradeOption")) else None,
            content_filter=_content_filter(policy_name, _policy(policies, account, policy_name))))

    regions = {account_names[urn]: r.props.get("location") for urn, r in accounts.items()}
    billed = []
    for r in found:
        if r.type == DEPLOYMENT:
            account = owner(r)
            item = from_inputs(DEPLOYMENT, {**r.props, "accountName": account, "deploymentName": _azure_name(r)},
                               _text(regions.get(account or ""), ""), r.urn)
        elif r.type == ONLINE_DEPLOYMENT:
            item = from_inputs(ONLINE_DEPLOYMENT, {**r.props, **_online_names(r)}, None, r.urn)
        else:
            continue
        if item is not None:
            billed.append(billed_facts(item))

    return Facts(tuple(sorted(account_facts, key=lambda a: a.ref)), tuple(sorted(deployment_facts, key=lambda d: d.ref)),
                 tuple(sorted(billed, key=lambda b: b.ref)), prices)


def _online_names(resource: StackResource) -> dict[str, str]:
    """A managed online deployment's project, endpoint and name: its inputs, else its ARM id, else the
    kit's logical name (`<hub>/<project>/<endpoint>/<deployment>`, components/scope.py)."""
    keys = ("workspaceName", "endpointName", "deploymentName")
    if all(_known(resource.props.get(key)) for key in keys):
        return {key: resource.props[key] for key in keys}
    found = _ONLINE_ID.search(resource.props.get("id") or "") if _known(resource.props.get("id")) else None
    if found:
        return dict(zip(keys, found.groups()))
    parts = resource.name.split("/")
    return dict(zip(keys, parts[-3:])) if len(parts) >= 4 else {}


def settings_of(entries: Iterable[Any]) -> dict[tuple[str, str], str]:
    """RaiPolicy `contentFilters` entries -> the manifest's (category, source) -> setting
    (`azure.content_filters.levels`; entries the manifest has no words for are skipped)."""
    return levels(map(_map, entries))


def _policy(policies: Mapping[tuple[str | None, str], StackResource], account: str | None,
            name: Any) -> StackResource | None:
    if (account, name) in policies:
        return policies[account, name]
    same_name = [policy for (_owner, policy_name), policy in policies.items() if policy_name == name]
    return same_name[0] if account is None and len(same_name) == 1 else None


def _content_filter(name: Any, policy: StackResource | None) -> ContentFilterFacts | None:
    return content_filter_facts(name, _map(policy.props.get("properties")) if policy is not None else None)


def content_filter_facts(name: Any, properties: Mapping[str, Any] | None) -> ContentFilterFacts | None:
    """The content filter a deployment names, from the `properties` of the stack's RaiPolicy of
    that name (None: the stack has none; a built-in policy needs none)."""
    if not isinstance(name, str) or not name:
        return None
    if is_builtin(name):
        return ContentFilterFacts(name)
    if properties is None:
        return ContentFilterFacts(name, defined=False)
    base = properties.get("basePolicyName")
    return ContentFilterFacts(name, base if _known(base) else None, settings_of(_list(properties.get("contentFilters"))))


def _typed(resource: StackResource) -> StackResource:
    """A generic resource written to `accounts/<a>/deployments/<d>` read as the deployment it is."""
    if resource.type != GENERIC or not _generic_deployment(resource):
        return resource
    parent = resource.props.get("parentResourcePath")
    account = parent.split("/")[1] if isinstance(parent, str) and _known(parent) and parent.count("/") == 1 else None
    props = {**resource.props, "deploymentName": resource.props.get("resourceName"),
             **({"accountName": account} if account else {})}
    return dataclasses.replace(resource, type=DEPLOYMENT, props=props)


def _generic_deployment(resource: StackResource) -> bool:
    """Inputs say so; after apply Azure's type and id do; in every state the kit's URN does."""
    arm_type, arm_id = resource.props.get("type"), resource.props.get("id")
    return (is_deployment(resource.type, dict(resource.props))
            or (isinstance(arm_type, str) and _known(arm_type) and arm_type.lower() == _ARM_DEPLOYMENT)
            or (isinstance(arm_id, str) and _known(arm_id) and _DEPLOYMENT_ID.search(arm_id) is not None)
            or resource.ancestors[-1:] == (KIT_DEPLOYMENT,))


def _azure_name(resource: StackResource) -> str:
    kit = resource.kit_names
    for candidate in (resource.props.get(types.azure_name_input(resource.type) or ""), resource.props.get("name"),
                      kit[1] if kit else None):
        if isinstance(candidate, str) and _known(candidate):
            return candidate
    return resource.name


def _account_in_id(arm_id: Any) -> str | None:
    match = _ACCOUNT_IN_ID.search(arm_id) if _known(arm_id) else None
    return match.group(1) if match else None


def _known(value: Any) -> bool:
    return isinstance(value, str) and bool(value) and value != UNKNOWN


def _text(value: Any, default: str) -> str:
    return value if _known(value) else default


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)  # the wire carries every number as a double
    return value if isinstance(value, int) else None


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else []
