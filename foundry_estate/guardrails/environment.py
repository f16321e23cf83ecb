"""A stack's guardrails environment: its `foundry-kit:environment` config value, else the stack
name (so stacks `prod-eu` and `prod-us` can share `environments.prod`). Which stacks use a
manifest, and so which environment applies to it, is the project's
(`foundry_estate/project/environment.py`)."""

from __future__ import annotations

from typing import Any, Mapping

ENVIRONMENT_KEY = "foundry-kit:environment"


def stack_environment(stack: str, config: Mapping[str, Any]) -> str:
    """The environment of `stack`, given its Pulumi config (keys as `namespace:key`)."""
    configured = config.get(ENVIRONMENT_KEY)
    return configured if isinstance(configured, str) and configured else stack
