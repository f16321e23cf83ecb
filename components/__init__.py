"""Pulumi components for Azure AI Foundry. They take a validated, typed `Manifest` and
never read files, config or YAML."""

from .account import FoundryAccount
from .content_filter import Blocklist, ContentFilter
from .deployment import ModelDeployment
from .estate import provision

__all__ = ["Blocklist", "ContentFilter", "FoundryAccount", "ModelDeployment", "provision"]
