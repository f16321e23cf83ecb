"""The typed, immutable manifest that components consume, one module a section: `accounts`
(deployments, projects, network, access), `filters` (content filters, blocklists), `hubs`
(projects, endpoints), `build` (the whole, from a validated document), `common`.

Built only from a document that passed validation (`foundry_estate/validate/`), so it applies
defaults but never checks anything. Collections are tuples in a canonical order (by Azure
name), so reordering keys or list entries in YAML yields an equal manifest.
"""

from __future__ import annotations

from foundry_estate.manifest.model.accounts import (
    Account, Deployment, Diagnostics, Model, ModelProviderData, NetworkAcls, PrivateEndpoint, Project,
    RoleAssignment, private_endpoint_name, subdomain_of,
)
from foundry_estate.manifest.model.build import CoreQuota, Manifest, Quota, ResourceGroup, build
from foundry_estate.manifest.model.common import BUILTIN_CONTENT_FILTERS, DEFAULT_CONTENT_FILTER, Identity, Tags
from foundry_estate.manifest.model.filters import Blocklist, BlocklistItem, ContentFilter, HarmSetting
from foundry_estate.manifest.model.hubs import (
    Hub, HubProject, OnlineDeployment, OnlineEndpoint, Probe, ServerlessEndpoint, registry_of,
)

__all__ = [
    "Account", "BUILTIN_CONTENT_FILTERS", "Blocklist", "BlocklistItem", "ContentFilter", "CoreQuota",
    "DEFAULT_CONTENT_FILTER", "Deployment", "Diagnostics", "HarmSetting", "Hub", "HubProject", "Identity",
    "Manifest", "Model", "ModelProviderData", "NetworkAcls", "OnlineDeployment", "OnlineEndpoint",
    "PrivateEndpoint", "Probe", "Project", "Quota", "ResourceGroup", "RoleAssignment", "ServerlessEndpoint", "Tags",
    "build", "private_endpoint_name", "registry_of", "subdomain_of",
]
