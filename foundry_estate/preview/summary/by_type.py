"""What a diff says about each Azure resource type: one entry per type of the type table
(`foundry_estate/azure/resource_types.py`), the way pre-commit's `all_languages.py` registers a
language. A new type is one entry here (and, when it needs sentences of its own, one function in
the module of its kind); tests/unit/test_type_registries.py fails while a type has no entry.
"""

from __future__ import annotations

from foundry_estate.azure import describe
from foundry_estate.azure import resource_types as types
from foundry_estate.preview.diff import ResourceChange
from foundry_estate.preview.plan import PlannedResource
from foundry_estate.preview.summary.accounts import account, protected, workspace
from foundry_estate.preview.summary.deployments import deployment
from foundry_estate.preview.summary.endpoints import online_deployment, online_endpoint, serverless_endpoint
from foundry_estate.preview.summary.filters import blocklist, policy
from foundry_estate.preview.summary.sentences import Context, Sentence, Sentences, generic, titled


def _generic_resource(ctx: Context, change: ResourceChange) -> list[Sentence]:
    """The generic resource: a deployment when written to accounts/deployments (Anthropic models)."""
    r = change.resource
    return (deployment if describe.is_deployment(r.type, r.inputs) else generic)(ctx, change)


def _with_their_blocklist(ctx: Context, change: ResourceChange) -> list[Sentence]:
    """Blocklist items are said together, per blocklist (`filters.items`), not one by one."""
    return []


def _lifecycle(token: str) -> Sentences:
    """What creating and deleting one means, from its entry in the type table."""
    return titled(types.BY_TOKEN[token])


SENTENCES: dict[str, Sentences] = {
    types.RESOURCE_GROUP: generic,
    types.ACCOUNT: account,
    types.BLOCKLIST: blocklist,
    types.RAI_POLICY: policy,
    types.DEPLOYMENT: deployment,
    types.PROJECT: _lifecycle(types.PROJECT),
    types.PRIVATE_ENDPOINT: _lifecycle(types.PRIVATE_ENDPOINT),
    types.DNS_ZONE_GROUP: _lifecycle(types.DNS_ZONE_GROUP),
    types.DIAGNOSTIC_SETTING: _lifecycle(types.DIAGNOSTIC_SETTING),
    types.ROLE_ASSIGNMENT: _lifecycle(types.ROLE_ASSIGNMENT),
    types.WORKSPACE: workspace,
    # what the kit creates for a hub and protects with it
    types.STORAGE_ACCOUNT: protected,
    types.VAULT: protected,
    types.MARKETPLACE_SUBSCRIPTION: _lifecycle(types.MARKETPLACE_SUBSCRIPTION),
    types.SERVERLESS_ENDPOINT: serverless_endpoint,
    types.ONLINE_ENDPOINT: online_endpoint,
    types.ONLINE_DEPLOYMENT: online_deployment,
    types.BLOCKLIST_ITEM: _with_their_blocklist,
    types.GENERIC: _generic_resource,
}


def sentences_of(resource: PlannedResource) -> Sentences:
    """Its type's entry; a type the kit does not know says what changed in its inputs."""
    return SENTENCES.get(resource.type, generic)
