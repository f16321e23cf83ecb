"""Adopting resources that already exist in Azure (stack config `foundry-kit:adopt: true`).

Every resource the program declares for an account carries Pulumi's `import` resource option
with its ARM id, computed from the subscription, the resource group and Azure names only; the
first `pulumi up` then reads each from Azure and takes it into the stack instead of creating it
(and fails, touching nothing, if the declared inputs differ from what Azure has).

Blocklist items are the exception: Azure's names for them are whatever their author chose, the
kit's are a digest of the term, so they are created under the kit's names (a term listed twice
blocks the same), and `foundry-estate import` lists the items it found under other names.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

PROVIDER = "Microsoft.CognitiveServices"


@dataclass(frozen=True)
class Adoption:
    subscription: str
    resource_group: str

    @property
    def group_id(self) -> str:
        return f"/subscriptions/{self.subscription}/resourceGroups/{self.resource_group}"

    def account_id(self, account: str) -> str:
        return f"{self.group_id}/providers/{PROVIDER}/accounts/{account}"

    def child_id(self, account: str, collection: str, name: str) -> str:
        """`collection` as ARM spells it: deployments, raiPolicies, raiBlocklists, projects."""
        return f"{self.account_id(account)}/{collection}/{name}"


def importing(opts: pulumi.ResourceOptions, resource_id: str | None) -> pulumi.ResourceOptions:
    """`opts`, plus Pulumi's `import` of `resource_id` when there is one."""
    return pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(import_=resource_id)) if resource_id else opts
