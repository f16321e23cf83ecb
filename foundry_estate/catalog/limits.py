"""Limits Azure enforces and the regions it has (`catalog/azure-limits.yaml`): loaded, checked
against their schema, typed. Validation reads them; no code holds the numbers."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from foundry_estate.manifest.data_file import load_data_file
from foundry_estate.shipped import CATALOG, shipped_file

LIMITS_FILE = shipped_file(CATALOG, "azure-limits.yaml")
LIMITS_NAME = "catalog/azure-limits.yaml"


@dataclass(frozen=True)
class Limit:
    value: int
    what: str
    source: str

    def says(self) -> str:
        """`Azure allows at most 32 model deployments in one ... account (<source>)`."""
        return f"Azure allows at most {self.value} {self.what} ({self.source})"


@dataclass(frozen=True)
class AzureLimits:
    deployments_per_account: Limit
    accounts_per_region: Limit  # per subscription
    regions: frozenset[str]
    regions_source: str


def load_limits(path: str = LIMITS_FILE) -> AzureLimits:
    data = load_data_file(path, "azure-limits").data
    limits = {name: Limit(spec["value"], spec["what"], spec["source"]) for name, spec in data["limits"].items()}
    return AzureLimits(limits["deploymentsPerAccount"], limits["accountsPerRegionPerSubscription"],
                       frozenset(data["regions"]["names"]), data["regions"]["source"])


@lru_cache(maxsize=None)
def shipped_limits() -> AzureLimits:
    """The file that ships with the kit, read once."""
    return load_limits(LIMITS_FILE)
