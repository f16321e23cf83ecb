"""What the children of an account need to know about it."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi


@dataclass(frozen=True)
class AccountScope:
    name: str
    resource_group_name: pulumi.Input[str]
    tags: dict[str, str]
