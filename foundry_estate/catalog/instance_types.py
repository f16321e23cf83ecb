"""VM sizes of managed online deployments (`catalog/instance-types.yaml`): loaded, checked
against their schema, typed.

Validation reads it to refuse unknown or retired instance types and to count the VM cores a
manifest asks of each family's regional quota. Like a manifest it is read by the loader only,
so a broken file is reported at its file and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from typing import Iterator

from foundry_estate.manifest.data_file import load_data_file
from foundry_estate.manifest.document import Document
from foundry_estate.errors import Problem
from foundry_estate.shipped import CATALOG, shipped_file

INSTANCE_TYPES_FILE = shipped_file(CATALOG, "instance-types.yaml")


@dataclass(frozen=True)
class InstanceType:
    name: str
    cores: int
    vm_family: str
    source: str
    retires: date | None = None
    replacement: str | None = None
    retirement_source: str | None = None


@dataclass(frozen=True)
class InstanceTypes:
    file: str
    types: tuple[InstanceType, ...]

    def get(self, name: str) -> InstanceType | None:
        return next((t for t in self.types if t.name == name), None)

    def named(self, name: str) -> InstanceType | None:
        """Ignoring case (Azure's VM size names are not case-sensitive; the table's spelling is canonical)."""
        return next((t for t in self.types if t.name.lower() == name.lower()), None)

    def families(self) -> list[str]:
        return sorted({t.vm_family for t in self.types})


def load_instance_types(path: str = INSTANCE_TYPES_FILE) -> InstanceTypes:
    """Read and check the table at `path`; raises `KitError` with every problem."""
    document = load_data_file(path, "instance-types", _date_problems)
    return InstanceTypes(path, tuple(
        InstanceType(name, spec["cores"], spec["vmFamily"], spec["source"],
                     date.fromisoformat(spec["retires"]) if "retires" in spec else None,
                     spec.get("replacement"), spec.get("retirementSource"))
        for name, spec in sorted(document.data["instanceTypes"].items())))


def _date_problems(document: Document) -> Iterator[Problem]:
    for name, spec in document.data["instanceTypes"].items():
        try:
            date.fromisoformat(spec.get("retires", "2000-01-01"))
        except ValueError:
            yield document.problem(("instanceTypes", name, "retires"), f"'{spec['retires']}' is not a date that exists")


@lru_cache(maxsize=None)
def shipped_instance_types() -> InstanceTypes:
    """The table that ships with the kit, read once."""
    return load_instance_types(INSTANCE_TYPES_FILE)
