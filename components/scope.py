"""What the children of an account (or of a hub-based project) need to know about it, and the
options every resource that lives inside it gets: Azure deletes it with its container, and a new
container is empty, so Pulumi skips its delete (`deleted_with`) and recreates it (`replace_with`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from .adoption import Adoption, importing


@dataclass(frozen=True)
class AccountScope:
    name: str
    resource_group_name: pulumi.Input[str]
    tags: dict[str, str]
    account: pulumi.Resource
    adoption: Adoption | None = None

    def tags_of(self, own: tuple[tuple[str, str], ...] | None) -> dict[str, str] | None:
        """A child's tags: its own when it declares them, else the account's; None when empty
        (Azure returns no tags and azure-native reads none back, so `{}` would be a difference)."""
        tags = dict(own) if own is not None else self.tags
        return tags or None

    def inside(self, parent: pulumi.Resource, collection: str | None = None, name: str | None = None) -> pulumi.ResourceOptions:
        """Options of a resource that lives inside the account; when adopting, the resource
        `collection/name` (ARM's spelling) is imported."""
        opts = lives_in(self.account, parent)
        if self.adoption is None or collection is None or name is None:
            return opts
        return importing(opts, self.adoption.child_id(self.name, collection, name))


@dataclass(frozen=True)
class WorkspaceScope:
    """The same for a hub-based project (an Azure Machine Learning workspace): its endpoints,
    deployments and marketplace subscriptions are ARM children Azure deletes with it."""

    hub: str  # the hub's Azure name: logical names are <hub>/<project>/...
    name: str
    resource_group_name: pulumi.Input[str]
    location: str
    tags: dict[str, str]
    workspace: pulumi.Resource

    def child(self, *parts: str) -> str:
        """The logical name of a resource in the project, from Azure names only."""
        return "/".join((self.hub, self.name, *parts))

    def placement(self, tracked: bool = True) -> dict[str, Any]:
        """Where a child resource goes: the project and its group (and, for a tracked
        resource, the project's region and tags)."""
        where: dict[str, Any] = {"workspace_name": self.name, "resource_group_name": self.resource_group_name}
        return {**where, "location": self.location, "tags": self.tags} if tracked else where

    def inside(self, parent: pulumi.Resource, *containers: pulumi.Resource) -> pulumi.ResourceOptions:
        """Options of a resource that lives inside the workspace (and inside `containers` in it,
        the innermost first: an online deployment lives inside its endpoint)."""
        return lives_in(self.workspace, parent, *containers)


def lives_in(container: pulumi.Resource, parent: pulumi.Resource, *inner: pulumi.Resource) -> pulumi.ResourceOptions:
    """Deleted with the innermost container; replaced whenever any container is replaced."""
    return pulumi.ResourceOptions(parent=parent, deleted_with=(inner or (container,))[0],
                                  replace_with=[*inner, container])
