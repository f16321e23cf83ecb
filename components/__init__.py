"""Pulumi components for Azure AI Foundry. They take a validated, typed `Manifest` and
never read files, config or YAML."""

from .account import FoundryAccount
from .content_filter import Blocklist, ContentFilter
from .deployment import ModelDeployment
from .estate import provision
from .hub import FoundryHub
from .hub_endpoints import OnlineEndpoint, ServerlessEndpoint

__all__ = ["Blocklist", "ContentFilter", "FoundryAccount", "FoundryHub", "ModelDeployment", "OnlineEndpoint",
           "ServerlessEndpoint", "provision"]
