"""The package's import graph keeps the layout honest: commands do not import each other, the
policy pack does not import presentation code, and only foundry_estate/pulumi_sdk.py reaches into
the Pulumi SDK's internals."""

from __future__ import annotations

import ast
import os

from foundry_estate.preview.engine import REPO

# Where each top-level folder lives inside the package (pyproject's package-dir mapping).
_ROOTS = {"foundry_estate": "foundry_estate", "components": "foundry_estate.components", "policy": "foundry_estate.policy"}


def _modules() -> dict[str, str]:
    """Module name -> file, for the kit's own code."""
    found = {}
    for folder, package in _ROOTS.items():
        for root, _, files in os.walk(os.path.join(REPO, folder)):
            for file in files:
                if file.endswith(".py"):
                    parts = os.path.relpath(os.path.join(root, file), os.path.join(REPO, folder))[:-3].split(os.sep)
                    if parts[-1] == "__init__":
                        parts = parts[:-1]
                    found[".".join([package, *parts])] = os.path.join(root, file)
    return found


MODULES = _modules()


def _imports(module: str) -> list[tuple[str, tuple[str, ...]]]:
    """(imported module, names) for each import statement of `module`, relative ones resolved."""
    with open(MODULES[module], encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    package = module if MODULES[module].endswith("__init__.py") else module.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, ()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1] + ([base] if base else []))
            names = tuple(alias.name for alias in node.names)
            found.append((base, names))
            found += [(f"{base}.{name}", ()) for name in names if f"{base}.{name}" in MODULES]
    return found


def _kit_imports(module: str) -> set[str]:
    return {name for name, _ in _imports(module) if name in MODULES}


def _reachable(start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo += _kit_imports(module)
    return seen


def test_the_graph_is_read() -> None:
    assert "foundry_estate.cli.commands.validate" in MODULES and "foundry_estate.components.serial" in MODULES
    assert "foundry_estate.manifest.loader" in _kit_imports("foundry_estate.cli.commands.validate")


def test_commands_do_not_import_each_other() -> None:
    commands = {m for m in MODULES if m.startswith("foundry_estate.cli.commands.")}
    crossing = {(m, other) for m in commands for other in _kit_imports(m) if other in commands and other != m}
    assert crossing == set()


def test_the_policy_pack_does_not_import_presentation_code() -> None:
    packs = [m for m in MODULES if m.startswith("foundry_estate.policy")] + ["foundry_estate.guardrails.pack"]
    presentation = {(pack, m) for pack in packs for m in _reachable(pack) if m.startswith("foundry_estate.cli")}
    assert presentation == set()


_SDK_INTERNALS = ("pulumi.runtime.", "pulumi.output", "pulumi.resource", "pulumi.runtime.rpc")


def test_only_pulumi_sdk_reaches_into_the_pulumi_sdk() -> None:
    """Private names (`_x`), SDK submodules (`pulumi.runtime.rpc`, `pulumi.runtime.mocks`, ...),
    `pulumi.output`, `pulumi.resource`: only foundry_estate/pulumi_sdk.py imports them."""
    reaching = set()
    for module in MODULES:
        if module == "foundry_estate.pulumi_sdk":
            continue
        for name, names in _imports(module):
            private = any(n.startswith("_") for n in names) and name.startswith("pulumi")
            internal = name.startswith(_SDK_INTERNALS) or (name == "pulumi.runtime" and "rpc" in names)
            if private or internal:
                reaching.add((module, name, names))
    assert reaching == set()
