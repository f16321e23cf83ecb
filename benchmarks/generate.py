"""Write a large, valid, realistic foundry-estate manifest for benchmarks.

    python benchmarks/generate.py OUT.yaml [--accounts 32] [--deployments 32] [--items 2000]
                                           [--blocklist-accounts 1]

Default: 32 accounts x 32 deployments (1,024 deployments) over four regions, a model mix
(xAI Grok 4, OpenAI GPT-5.x, Meta Llama, Mistral AI, DeepSeek, Microsoft Phi-4) on
GlobalStandard (plus one provisioned gpt-5.1 per account spilling over to a GlobalStandard
one), four content filters, two blocklists, quota budgets, and per-account projects,
diagnostics, role assignments and (every fourth account) a private endpoint.

Blocklists are copied onto every account that has a deployment using a content filter that
references them: one `RaiBlocklistItem` resource per item per account. So the big blocklist
(`banned-terms`, `--items` entries) is referenced only by the `strict` filter, and only the
first `--blocklist-accounts` accounts (default 1) use `strict`: 1 x 2,000 item resources
rather than 32 x 2,000 = 64,000. The small regex blocklist (`pii-patterns`, 5 items) is
referenced by the `standard` filter, which every account uses (5 item resources each).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import yaml

SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
REGIONS = [("eastus2", "eus2"), ("swedencentral", "swc"), ("westus3", "wus3"), ("francecentral", "frc")]

# (deployment name stem, model format, model name, model version, capacity). Versions current in
# the kit's catalog (catalog/models.yaml, checked 2026-11-26) and not retiring within its
# 90-day warning horizon: grok-3 and gpt-4.1 are retired there, so their successors serve.
MODELS = [
    ("grok-4", "xAI", "grok-4", "1", 20),
    ("grok-41-fast", "xAI", "grok-4-1-fast-reasoning", "1", 10),
    ("gpt-51", "OpenAI", "gpt-5.1", "2025-11-13", 50),
    ("gpt-55", "OpenAI", "gpt-5.5", "2026-04-24", 50),
    ("llama-33-70b", "Meta", "Llama-3.3-70B-Instruct", "10", 2),
    ("llama-4-maverick", "Meta", "Llama-4-Maverick-17B-128E-Instruct-FP8", "5", 2),
    ("mistral-large", "Mistral AI", "Mistral-Large-3", "1", 2),
    ("mistral-small", "Mistral AI", "mistral-small-2503", "1", 2),
    ("deepseek-r1", "DeepSeek", "DeepSeek-R1", "1", 2),
    ("deepseek-v32", "DeepSeek", "DeepSeek-V3.2", "1", 2),
    ("phi-4", "Microsoft", "Phi-4", "8", 1),
    ("phi-4-mini", "Microsoft", "Phi-4-mini-instruct", "1", 1),
]
CHAT_MODEL = {"format": "OpenAI", "name": "gpt-5.1", "version": "2025-11-13"}
FILTERS_EVERYWHERE = ["standard", "lenient", "code-assist", "Microsoft.DefaultV2"]
STRICT = "strict"
BIG_BLOCKLIST = "banned-terms"
SMALL_BLOCKLIST = "pii-patterns"
ROLES = ["Azure AI User", "Cognitive Services OpenAI User", "Azure AI Developer", "Cognitive Services User"]
WORDS = ["nightingale", "falcon", "orion", "atlas", "zephyr", "quartz", "ember", "tundra", "cobalt",
         "saffron", "meridian", "harbor", "lumen", "basalt", "juniper", "vortex"]


@dataclass(frozen=True)
class Shape:
    accounts: int = 32
    deployments: int = 32
    items: int = 2000
    blocklist_accounts: int = 1

    @property
    def total_deployments(self) -> int:
        return self.accounts * self.deployments


def _guid(*parts: Any) -> str:
    digest = hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


def blocklist_items(count: int) -> list[Any]:
    """`count` distinct items: mostly exact terms, every 20th a regular expression."""
    items: list[Any] = []
    for index in range(count):
        word = WORDS[index % len(WORDS)]
        if index % 20 == 7:
            items.append({"pattern": rf"\b{word}[-_ ]?code(name)?[-_ ]?{index}\b", "regex": True})
        else:
            items.append(f"project {word} {index}")
    return items


def content_filters() -> dict[str, Any]:
    return {
        "standard": {
            "base": "Microsoft.DefaultV2",
            "prompt": {"jailbreak": "block", "indirectAttack": "annotate"},
            "completion": {"protectedMaterialText": "block", "protectedMaterialCode": "annotate"},
            "blocklists": [SMALL_BLOCKLIST],
        },
        "lenient": {
            "base": "Microsoft.DefaultV2",
            "mode": "Asynchronous_filter",
            "prompt": {"hate": "high", "sexual": "high", "violence": "high", "selfHarm": "high", "jailbreak": "block"},
            "completion": {"hate": "high", "sexual": "high", "violence": "high", "selfHarm": "high"},
        },
        "code-assist": {
            "base": "Microsoft.DefaultV2",
            "prompt": {"jailbreak": "block", "indirectAttack": "block"},
            "completion": {"protectedMaterialText": "block", "protectedMaterialCode": "block"},
        },
        STRICT: {
            "base": "Microsoft.DefaultV2",
            "mode": "Default",
            "prompt": {"hate": "low", "sexual": "low", "violence": "medium", "selfHarm": "low",
                       "jailbreak": "block", "indirectAttack": "block", "profanity": "block"},
            "completion": {"hate": "low", "sexual": "low", "violence": "medium", "selfHarm": "low",
                           "protectedMaterialText": "block", "protectedMaterialCode": "annotate", "profanity": "block"},
            "blocklists": [BIG_BLOCKLIST, SMALL_BLOCKLIST],
        },
    }


def _deployments(account: int, shape: Shape) -> dict[str, Any]:
    deployments: dict[str, Any] = {}
    uses_strict = account < shape.blocklist_accounts
    for index in range(shape.deployments):
        if index == 0 and shape.deployments >= 2:
            # A provisioned deployment that spills over to the pay-as-you-go one below.
            deployments["chat-ptu"] = {
                "model": dict(CHAT_MODEL),
                "sku": "GlobalProvisionedManaged", "capacity": 15,
                "contentFilter": STRICT if uses_strict else "standard", "spillover": "chat-paygo"}
            continue
        if index == 1 and shape.deployments >= 2:
            deployments["chat-paygo"] = {
                "model": dict(CHAT_MODEL),
                "sku": "GlobalStandard", "capacity": 100,
                "contentFilter": STRICT if uses_strict else "standard"}
            continue
        stem, model_format, model, version, capacity = MODELS[(index + account) % len(MODELS)]
        team = f"t{index:02d}"
        spec: dict[str, Any] = {
            "model": {"format": model_format, "name": model, "version": version},
            "sku": "GlobalStandard",
            "capacity": capacity,
        }
        filter_name = STRICT if uses_strict and index % 3 == 0 else FILTERS_EVERYWHERE[index % len(FILTERS_EVERYWHERE)]
        if filter_name != "Microsoft.DefaultV2":  # the default: leave it out, as people do
            spec["contentFilter"] = filter_name
        if index % 8 == 5:
            spec["versionUpgrade"] = "OnceCurrentVersionExpired"
        deployments[f"{stem}-{team}"] = spec
    return deployments


def _account(index: int, shape: Shape) -> dict[str, Any]:
    region, short = REGIONS[index % len(REGIONS)]
    name = f"aif-contoso-{short}-{index:02d}"
    spec: dict[str, Any] = {"name": name}
    if region != "eastus2":
        spec["location"] = region
    spec["tags"] = {"team": f"team-{index:02d}", "cost-center": f"cc-{1000 + index}"}
    if index % 4 == 0:
        vnet = f"vnet-prod-{short}"
        spec["networkAcls"] = {"defaultAction": "Deny", "bypass": "AzureServices"}
        spec["privateEndpoints"] = [{
            "subnetId": f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-network-prod/providers/"
                        f"Microsoft.Network/virtualNetworks/{vnet}/subnets/private-endpoints",
            "privateDnsZoneIds": [
                f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/{zone}"
                for zone in ("privatelink.cognitiveservices.azure.com", "privatelink.openai.azure.com",
                             "privatelink.services.ai.azure.com")],
        }]
    spec["diagnostics"] = {"logAnalyticsWorkspaceId": f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-monitoring/"
                                                      "providers/Microsoft.OperationalInsights/workspaces/law-prod"}
    spec["roleAssignments"] = [
        {"principalId": _guid("group", index), "principalType": "Group", "role": ROLES[index % len(ROLES)]},
        {"principalId": _guid("app", index), "principalType": "ServicePrincipal", "role": "Cognitive Services OpenAI User"},
    ]
    spec["projects"] = {f"team-{index:02d}": {"displayName": f"Team {index:02d}", "description": "Team workspace"}}
    spec["deployments"] = _deployments(index, shape)
    return spec


def _quotas(accounts: dict[str, Any], default_location: str) -> list[dict[str, Any]]:
    """A budget per (region, SKU, model) in use, 25% above what the deployments request."""
    used: dict[tuple[str, str, str], int] = defaultdict(int)
    for account in accounts.values():
        for deployment in account["deployments"].values():
            used[account.get("location", default_location), deployment["sku"], deployment["model"]["name"]] += deployment["capacity"]
    return [{"location": location, "sku": sku, "model": model, "limit": total + total // 4 + 1}
            for (location, sku, model), total in sorted(used.items())]


def manifest(shape: Shape) -> dict[str, Any]:
    accounts = {f"acct-{index:02d}": _account(index, shape) for index in range(shape.accounts)}
    return {
        "version": 1,
        "location": "eastus2",
        "tags": {"environment": "bench", "owner": "platform-ai", "managed-by": "foundry-kit"},
        "resourceGroup": {"name": "rg-contoso-ai-bench", "create": True},
        "contentFilters": content_filters(),
        "blocklists": {
            BIG_BLOCKLIST: {"description": "Terms we never send or return", "items": blocklist_items(shape.items)},
            SMALL_BLOCKLIST: {"description": "Identifiers that must not leak",
                              "items": [{"pattern": p, "regex": True} for p in (
                                  r"\b\d{3}-\d{2}-\d{4}\b", r"\b(?:\d[ -]?){13,16}\b", r"\bAKIA[0-9A-Z]{16}\b",
                                  r"\bghp_[A-Za-z0-9]{36}\b", r"\bxox[baprs]-[A-Za-z0-9-]{10,}\b")]},
        },
        "quotas": _quotas(accounts, "eastus2"),
        "accounts": accounts,
    }


def describe(shape: Shape) -> str:
    """What the manifest holds, and why the blocklist is where it is."""
    used = min(shape.blocklist_accounts, shape.accounts)
    return (f"{shape.accounts} accounts x {shape.deployments} deployments = {shape.total_deployments} deployments; "
            f"blocklist '{BIG_BLOCKLIST}' ({shape.items} items) is used (via filter '{STRICT}') by {used} account(s) "
            f"-> {used * shape.items} item resources (each account using it gets its own copy; "
            f"all {shape.accounts} would be {shape.accounts * shape.items}); "
            f"'{SMALL_BLOCKLIST}' (5 regex items) on every account")


def write(path: str, shape: Shape) -> dict[str, Any]:
    data = manifest(shape)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("# Generated by benchmarks/generate.py: " + describe(shape) + "\n")
        yaml.dump(data, handle, Dumper=dumper, sort_keys=False, allow_unicode=True, width=200)
    return data


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path")
    parser.add_argument("--accounts", type=int, default=Shape.accounts)
    parser.add_argument("--deployments", type=int, default=Shape.deployments, help="per account")
    parser.add_argument("--items", type=int, default=Shape.items, help="items of the big blocklist (at most 10,000)")
    parser.add_argument("--blocklist-accounts", type=int, default=Shape.blocklist_accounts,
                        help="how many accounts use the filter that references the big blocklist")
    args = parser.parse_args(argv)
    shape = Shape(args.accounts, args.deployments, args.items, args.blocklist_accounts)
    write(args.path, shape)
    print(f"wrote {args.path}: {describe(shape)}", file=sys.stderr)


if __name__ == "__main__":
    main()
