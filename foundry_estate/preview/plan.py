"""`foundry-estate plan`: what `pulumi up` would create for one stack, computed offline.

The real program (`__main__.py`) runs in-process under Pulumi's mock engine in preview
mode (`engine.py`); the plan is what it registered, read back as resources grouped by the
account they belong to, with the stack outputs and the manifest's quota use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from foundry_estate.azure.resource_types import ACCOUNT, DEPLOYMENT
from foundry_estate.catalog.billed import from_inputs, usage_of
from foundry_estate.catalog.estimate import StackCost, cents, estimate
from foundry_estate.catalog.prices import PriceTable
from foundry_estate.manifest.model import Manifest
from foundry_estate.preview.engine import Graph, Registration, run_program
from foundry_estate.errors import Problem
from foundry_estate.azure import describe
from foundry_estate.azure import resource_types as types
from foundry_estate.preview.adoption import Adopted, adopted, refuse_replacements
from foundry_estate.manifest.adopted import load_snapshot, snapshot_path
from foundry_estate.guardrails import stack_environment
from foundry_estate.validate.quota import CoreUse, QuotaUse, core_use, quota_use
from foundry_estate.project.project import Project
from foundry_estate.project.stacks import Stack, program_config
from foundry_estate.validate import Validated

ACCOUNT_COMPONENT = "foundry-kit:index:FoundryAccount"
GROUP_COMPONENTS = (ACCOUNT_COMPONENT, "foundry-kit:index:FoundryHub")  # a plan reads by account and by hub


@dataclass(frozen=True)
class PlannedResource:
    urn: str
    type: str
    name: str  # Pulumi's logical name
    azure_name: str | None
    account: str | None  # the Azure name of the account (or hub) it belongs to, if any
    parent: str
    protect: bool
    deleted_with: str
    replace_with: tuple[str, ...]  # replaced whenever one of these is
    dependencies: tuple[str, ...]
    inputs: dict[str, Any]
    import_id: str = ""  # adopted (Pulumi's `import`): the Azure id of the existing resource

    @property
    def adopted(self) -> bool:
        return bool(self.import_id)


@dataclass(frozen=True)
class Plan:
    stack: str
    manifest: str
    resources: tuple[PlannedResource, ...]  # custom resources, in the order the program registers them
    outputs: dict[str, Any]
    quotas: tuple[QuotaUse, ...]
    core_quotas: tuple[CoreUse, ...]
    account_keys: dict[str, str]  # Azure account (and hub) name -> the manifest's key for it
    warnings: tuple[Problem, ...]
    environment: str | None = None  # whose guardrails the stack is held to (None: a bare manifest)
    # An adopted stack: what the first `up` does to each imported resource, by URN, against what
    # Azure held when adopted (`snapshot`, stacks/<stack>.azure.json); empty without one.
    adoption: dict[str, Adopted] = field(default_factory=dict)
    snapshot: str | None = None
    cost: StackCost | None = None  # its monthly estimate at list price (catalog/estimate.py)

    def by_urn(self) -> dict[str, PlannedResource]:
        return {r.urn: r for r in self.resources}

    def account_label(self, azure_name: str | None) -> str | None:
        return self.account_keys.get(azure_name, azure_name) if azure_name else None


def environment_of(stack: Stack) -> str | None:
    """The environment whose guardrails hold for the stack; a bare manifest (no stack config) has none."""
    return stack_environment(stack.name, program_config(stack)) if stack.config_file else None


def record(stack: Stack, project: Project) -> tuple[Validated, Graph]:
    """Validate the stack's manifest and hold it to its environment's guardrails (a `KitError`
    if invalid), then run the program on it (which finds it validated: `Project.checked`)."""
    return (project.validated(stack.manifest_file, environment_of(stack)),
            run_program(stack.name, program_config(stack), preview=True, project=project))


def planned_resources(graph: Graph) -> tuple[PlannedResource, ...]:
    """The custom resources a run registered, each with the account (or hub) it belongs to."""
    by_urn = {r.urn: r for r in graph.resources}
    return tuple(_planned(r, _account_of(r, by_urn)) for r in graph.resources if r.custom)


def plan_stack(stack: Stack, project: Project) -> Plan:
    """The plan of `stack` of `project` (which the entry point resolved)."""
    validated, graph = record(stack, project)
    resources = planned_resources(graph)
    keys = {**{account.name: account.key for account in validated.manifest.accounts},
            **{hub.name: hub.key for hub in validated.manifest.hubs}}
    adoption, snapshot = adoption_of(stack.manifest_file, resources, keys)
    return Plan(
        stack=stack.name,
        manifest=stack.manifest_file,
        resources=resources,
        outputs=graph.outputs,
        quotas=tuple(quota_use(validated.manifest)),
        core_quotas=tuple(core_use(validated.manifest)),
        account_keys={**{account.name: account.key for account in validated.manifest.accounts},
                      **{hub.name: hub.key for hub in validated.manifest.hubs}},
        warnings=tuple(validated.warnings),
        environment=environment_of(stack),
        adoption=adoption,
        snapshot=snapshot,
        cost=stack_cost(stack.name, resources, validated.manifest, project.prices),
    )


def adoption_of(manifest_file: str, resources: tuple[PlannedResource, ...],
                keys: dict[str, str]) -> tuple[dict[str, Adopted], str | None]:
    """Each imported resource against what Azure held (the stack's read-back, if import wrote one);
    a KitError at its manifest entry for a difference that needs a replacement."""
    imported = [r for r in resources if r.adopted]
    read = load_snapshot(manifest_file) if imported else None
    if read is None:
        return {}, None
    found = {r.urn: adopted(r.type, r.inputs, read.get(r.import_id.lower())) for r in imported}
    refuse_replacements({r.urn: (describe.title(r.type, r.inputs, r.name), found[r.urn]) for r in imported},
                        manifest_file, {r.urn: manifest_place(r, keys) for r in imported})
    return found, snapshot_path(manifest_file)


def manifest_place(resource: PlannedResource, keys: dict[str, str]) -> tuple[str, ...]:
    """Where the manifest declares `resource` (its path in the document)."""
    name = str(resource.azure_name or "")
    account = ("accounts", keys.get(str(resource.account), str(resource.account)))
    if resource.type == types.ACCOUNT:
        return account
    if types.is_deployment(resource.type, resource.inputs):
        return (*account, "deployments", name)
    return {types.PROJECT: (*account, "projects", name), types.RAI_POLICY: ("contentFilters", name),
            types.BLOCKLIST: ("blocklists", name)}.get(resource.type, account)


def stack_cost(stack: str, resources: tuple[PlannedResource, ...], manifest: Manifest, prices: PriceTable) -> StackCost:
    """What the registered resources cost a month at list price: each model deployment in its
    account's region, each managed online deployment in its own, with the usage the manifest declares."""
    regions = {r.azure_name: r.inputs.get("location") for r in resources if r.type == ACCOUNT}
    usage = usage_of(manifest)
    billed = (from_inputs(r.type, r.inputs, regions.get(r.account) if r.type == DEPLOYMENT else None, r.urn, usage)
              for r in resources)
    return estimate(stack, (item for item in billed if item is not None), prices)


def _account_of(resource: Registration, by_urn: dict[str, Registration]) -> str | None:
    if resource.type == "azure-native:cognitiveservices:Account":
        return resource.azure_name
    parent = by_urn.get(resource.parent)
    while parent is not None and parent.type not in GROUP_COMPONENTS:
        parent = by_urn.get(parent.parent)
    return parent.name if parent is not None else None


def _planned(r: Registration, account: str | None) -> PlannedResource:
    return PlannedResource(r.urn, r.type, r.name, r.azure_name, account, r.parent, r.protect, r.deleted_with,
                           tuple(r.replace_with), tuple(r.dependencies), r.inputs, r.import_id)


def plan_document(plan: Plan) -> dict[str, Any]:
    """The stable machine form: sorted, no ids, memory addresses or timestamps."""
    return {
        "stack": plan.stack,
        "manifest": plan.manifest,
        "resources": [
            {"urn": r.urn, "type": r.type, "name": r.name, "azureName": r.azure_name, "account": r.account,
             "parent": r.parent, "protect": r.protect, "deletedWith": r.deleted_with,
             "replaceWith": list(r.replace_with),
             "dependencies": list(r.dependencies), "inputs": r.inputs,
             **({"importId": r.import_id} if r.import_id else {})}
            for r in sorted(plan.resources, key=lambda r: r.urn)
        ],
        "outputs": plan.outputs,
        "quotas": [
            {"location": q.location, "sku": q.sku, "model": q.model, "requested": q.requested, "limit": q.limit,
             "deployments": list(q.deployments)}
            for q in plan.quotas
        ],
        "coreQuotas": [
            {"location": q.location, "vmFamily": q.vm_family, "requested": q.requested, "limit": q.limit,
             "deployments": list(q.deployments)}
            for q in plan.core_quotas
        ],
        "warnings": [str(w) for w in plan.warnings],
        **({"monthlyCost": {"currency": plan.cost.currency, "monthly": float(cents(plan.cost.monthly)),
                            "unknownPrices": len(plan.cost.unknown), "usageUndeclared": len(plan.cost.usage_undeclared)}}
           if plan.cost is not None else {}),
    }
