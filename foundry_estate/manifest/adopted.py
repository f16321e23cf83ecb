"""What Azure held when a stack was adopted: `stacks/<stack>.azure.json`, written by `foundry-estate
import` next to the manifest, read by `plan` and `validate` of an adopted stack.

It holds, per ARM id, the resource's type and what pulumi-azure-native's `Read` returns for it
(`foundry_estate/azure/read_back.py`): the old state the first `pulumi up` diffs the program
against (Pulumi >= 3.174). So an offline plan says what that `up` will change, and validate knows
which deployments already exist in Azure (a model retired since is adopted with a warning; only
a change that introduces a retired model is refused). It is a review artefact like the manifest:
commit it with the manifest, and `foundry-estate import --force` (or `drift`) refreshes what it says.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

SUFFIX = ".azure.json"


@dataclass(frozen=True)
class ReadBack:
    type: str  # the Pulumi type token
    inputs: dict[str, Any]  # what azure-native reads back


def snapshot_path(manifest_file: str) -> str:
    """`stacks/prod.yaml` -> `stacks/prod.azure.json`."""
    return os.path.splitext(manifest_file)[0] + SUFFIX


def snapshot_text(read: dict[str, ReadBack], source: str) -> str:
    document = {"comment": "What Azure held when the stack was adopted, as pulumi-azure-native reads it back "
                           f"(written by foundry-estate import from {source}; see README, Adopting an existing estate).",
                "resources": {rid: {"type": r.type, "inputs": r.inputs} for rid, r in sorted(read.items())}}
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def load_snapshot(manifest_file: str) -> dict[str, ReadBack] | None:
    """The read-back of an adopted stack by lower-cased ARM id, or None when there is none."""
    path = snapshot_path(manifest_file)
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as handle:
        document = json.load(handle)
    return {rid.lower(): ReadBack(entry["type"], entry["inputs"]) for rid, entry in document["resources"].items()}


DEPLOYMENT_TYPES = ("azure-native:cognitiveservices:Deployment",)


def running_deployments(read: dict[str, ReadBack]) -> frozenset[tuple[str, str, str, str]]:
    """The deployments Azure ran when the stack was adopted: (account, deployment, model, version), lower case."""
    found = set()
    for entry in read.values():
        if entry.type in DEPLOYMENT_TYPES:
            model = (entry.inputs.get("properties") or {}).get("model") or {}
            found.add((str(entry.inputs.get("accountName", "")).lower(), str(entry.inputs.get("deploymentName", "")).lower(),
                       str(model.get("name", "")).lower(), str(model.get("version", "")).lower()))
    return frozenset(found)
