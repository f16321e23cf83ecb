"""Content filters (Azure RAI policies) and custom blocklists of one account."""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi_azure_native import cognitiveservices

from foundry_estate.azure.content_filters import rai_entry
from foundry_estate.manifest.model import Blocklist as BlocklistSpec
from foundry_estate.manifest.model import ContentFilter as ContentFilterSpec
from foundry_estate.manifest.model import HarmSetting

from .naming import blocklist_item_name, child_name
from .scope import AccountScope
from .serial import WriteQueue

_PULUMI_NAMES = {"severityThreshold": "severity_threshold"}  # the SDK's input names where they differ from Azure's


def rai_content_filter(setting: HarmSetting) -> dict[str, Any]:
    """One manifest setting -> one entry of RaiPolicy `properties.contentFilters` (the codec:
    `foundry_estate/azure/content_filters.py`), in the SDK's input names."""
    entry = rai_entry(setting.category, setting.source, setting.setting)
    return {_PULUMI_NAMES.get(key, key): value for key, value in entry.items()}


# The order Azure returns a policy's entries in (the 2025-06-01 spec's GetRaiPolicy example): by
# category, the prompt's before the completion's. Azure ignores the order, but Pulumi compares
# lists by position, so the kit sends Azure's: an adopted policy then reads back equal.
_CATEGORY_ORDER = ("hate", "sexual", "selfHarm", "violence", "jailbreak", "indirectAttack", "protectedMaterialText",
                   "protectedMaterialCode", "profanity")
_SOURCE_ORDER = ("prompt", "completion")


def rai_policy_properties(spec: ContentFilterSpec) -> dict[str, Any]:
    """RaiPolicy properties, lists in Azure's order (see above)."""
    settings = sorted(spec.settings, key=lambda s: (_CATEGORY_ORDER.index(s.category), _SOURCE_ORDER.index(s.source)))
    return {
        "base_policy_name": spec.base,
        "mode": spec.mode,
        "content_filters": [rai_content_filter(s) for s in settings],
        "custom_blocklists": [
            {"blocklist_name": name, "blocking": True, "source": source}
            for name in spec.blocklists for source in ("Prompt", "Completion")
        ],
    }


class ContentFilter(pulumi.ComponentResource):
    """A named content filter on one account: a `RaiPolicy`."""

    def __init__(self, name: str, spec: ContentFilterSpec, account: AccountScope, queue: WriteQueue,
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__("foundry-kit:index:ContentFilter", name, None, opts)
        self.policy = queue.write(lambda o: cognitiveservices.RaiPolicy(
            name,
            account_name=account.name,
            resource_group_name=account.resource_group_name,
            rai_policy_name=spec.name,
            properties=rai_policy_properties(spec),
            tags=account.tags_of(spec.tags),
            opts=o), account.inside(self, "raiPolicies", spec.name))
        self.policy_name = spec.name
        self.register_outputs({"policyName": spec.name})


class Blocklist(pulumi.ComponentResource):
    """A custom blocklist on one account: a `RaiBlocklist` and one `RaiBlocklistItem` per term."""

    def __init__(self, name: str, spec: BlocklistSpec, account: AccountScope, queue: WriteQueue,
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__("foundry-kit:index:Blocklist", name, None, opts)
        self.blocklist = queue.write(lambda o: cognitiveservices.RaiBlocklist(
            name,
            account_name=account.name,
            resource_group_name=account.resource_group_name,
            rai_blocklist_name=spec.name,
            properties={"description": spec.description} if spec.description else {},
            tags=account.tags_of(spec.tags),
            opts=o), account.inside(self, "raiBlocklists", spec.name))
        items = sorted(spec.items, key=blocklist_item_name)
        self.items = [
            queue.write(lambda o, item=item: cognitiveservices.RaiBlocklistItem(
                child_name(account.name, spec.name, blocklist_item_name(item)),
                account_name=account.name,
                resource_group_name=account.resource_group_name,
                rai_blocklist_name=spec.name,
                rai_blocklist_item_name=blocklist_item_name(item),
                properties={"pattern": item.pattern, "is_regex": item.regex},
                opts=o), account.inside(self))
            for item in items
        ]
        self.register_outputs({"blocklistName": spec.name, "items": len(self.items)})
