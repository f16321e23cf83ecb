"""What the children of an account need to know about it, and the options every resource
that lives inside the account gets: Azure deletes it with the account, and a new account is
empty, so Pulumi skips its delete (`deleted_with`) and recreates it (`replace_with`)."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi


@dataclass(frozen=True)
class AccountScope:
    name: str
    resource_group_name: pulumi.Input[str]
    tags: dict[str, str]
    account: pulumi.Resource

    def inside(self, parent: pulumi.Resource) -> pulumi.ResourceOptions:
        """Options of a resource that lives inside the account."""
        return pulumi.ResourceOptions(parent=parent, deleted_with=self.account, replace_with=[self.account])
