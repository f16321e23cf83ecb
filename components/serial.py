"""Serializes every write under one Foundry account.

The Microsoft.CognitiveServices resource provider answers 409 Conflict ("Another
operation is being performed on the parent resource") to concurrent writes under one
account, so each write waits for the one before it, in a fixed order. Different
accounts get different queues and proceed in parallel.

Each link names the previous resource by URN (a `DependencyResource`, the SDK's stand-in
for a resource known only by URN) rather than by the resource object. The engine receives
the same dependency either way, but the Python SDK checks every `depends_on` for cycles by
walking the whole chain behind it, recursively: a chain of 1,500 links took minutes and
then raised RecursionError. A stand-in has no dependencies of its own to walk, so each link
costs the same however long the chain (a blocklist may hold 10,000 items).
"""

from __future__ import annotations

from typing import Callable, TypeVar

import pulumi

from foundry_estate.pulumi_sdk import by_urn

R = TypeVar("R", bound=pulumi.Resource)


class WriteQueue:
    """Hands out `depends_on` so that resources registered through it form one chain."""

    def __init__(self, first: pulumi.Resource):
        self._last = first

    def write(self, create: Callable[[pulumi.ResourceOptions], R], opts: pulumi.ResourceOptions) -> R:
        """Create a resource with `opts` that also waits for the previous write."""
        resource = create(pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[by_urn(self._last)])))
        self._last = resource
        return resource
