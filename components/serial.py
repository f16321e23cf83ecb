"""Serializes every write under one Foundry account.

The Microsoft.CognitiveServices resource provider answers 409 Conflict ("Another
operation is being performed on the parent resource") to concurrent writes under one
account, so each write waits for the one before it, in a fixed order. Different
accounts get different queues and proceed in parallel.
"""

from __future__ import annotations

from typing import Callable, TypeVar

import pulumi

R = TypeVar("R", bound=pulumi.Resource)


class WriteQueue:
    """Hands out `depends_on` so that resources registered through it form one chain."""

    def __init__(self, first: pulumi.Resource):
        self._last = first

    @property
    def last(self) -> pulumi.Resource:
        return self._last

    def write(self, create: Callable[[pulumi.ResourceOptions], R], parent: pulumi.Resource) -> R:
        """Create a resource (parented to `parent`) that waits for the previous write."""
        resource = create(pulumi.ResourceOptions(parent=parent, depends_on=[self._last]))
        self._last = resource
        return resource
