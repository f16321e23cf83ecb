"""The plan of an adopted stack: each resource the program imports (`foundry-kit:adopt`) compared
with what Azure held when it was adopted (`stacks/<stack>.azure.json`, manifest/adopted.py), by the
engine's comparison (azure/read_back.py). Since Pulumi 3.174 (pulumi/pulumi#19339,
pkg/resource/deploy/step_generator.go `continueStepsFromImport`) the first `up` imports a resource
whose read-back equals the program's inputs, imports and then updates one that differs in place,
and fails on one whose difference needs a replacement while the `import` option is set."""

from __future__ import annotations

from dataclasses import dataclass

from foundry_estate.azure import resource_types as types
from foundry_estate.azure.read_back import IMPORT_REPLACEMENT, Difference, compare
from foundry_estate.errors import KitError, Problem
from foundry_estate.manifest.adopted import ReadBack

IMPORT, IMPORT_THEN_UPDATE = "import", "import, then update"


@dataclass(frozen=True)
class Adopted:
    """What the first `up` does to one adopted resource."""

    differences: tuple[Difference, ...]  # empty: the import alone
    missing: bool = False  # Azure did not hold it when adopted (the import fails: `resource does not exist`)

    @property
    def action(self) -> str:
        return IMPORT_THEN_UPDATE if self.differences else IMPORT


def adopted(token: str, inputs: dict, read: ReadBack | None) -> Adopted:
    if read is None:
        return Adopted((), missing=True)
    return Adopted(compare(token, read.inputs, inputs, types.managed_by_azure(token, inputs)))


def refuse_replacements(found: dict[str, tuple[str, Adopted]], manifest_file: str, places: dict[str, tuple]) -> None:
    """A KitError at the manifest entry of each adopted resource whose difference needs a replacement."""
    problems = []
    document = None
    for urn, (title, result) in found.items():
        replacing = [d for d in result.differences if d.replaces]
        if not replacing:
            continue
        if document is None:
            from foundry_estate.manifest.loader import load

            document = load(manifest_file)
        for difference in replacing:
            problems.append(document.problem(places.get(urn, ()), f"{title}: {difference}: azure-native would replace "
                                                                   f"it for that, and {IMPORT_REPLACEMENT}"))
    if problems:
        raise KitError(problems)
