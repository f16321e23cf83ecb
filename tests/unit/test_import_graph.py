"""The package's import graph keeps the layout honest: the stage folders are layers that depend
one way (from the entry points down to the data and the Azure knowledge), commands do not
import each other, the policy pack does not import presentation code, and only
foundry_estate/pulumi_sdk.py reaches into the Pulumi SDK's internals.

The graph is read from the source: every import that runs (at the top of a module or inside a
function); imports under `if TYPE_CHECKING:` are left out, since they never run."""

from __future__ import annotations

import ast
import os
import re

from support.examples import REPO

# The layers, top to bottom: a stage folder (or a module at the top of the package) may import
# from the layers below its own, never from its own layer's other folders or from above.
# A new folder gets a place here; the README's layout table ("Layers") lists them in this order.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("cli", "policy"),  # the entry points: the command line, the policy pack's entry
    ("repository",),  # the project's stacks together: shared quota and names, git revisions, init, stack new
    ("live",),  # Azure read: the client, an estate, drift, import
    ("preview",),  # the program under the mock engine: plan, diff, summaries, refusals
    ("program",),  # the Pulumi program (`pulumi up` runs it; plan and diff run it under mocks)
    ("project",),  # the project an entry point resolves and hands down; its stacks, their config, environments
    ("validate",),  # document -> typed manifest: schema, cross-checks, catalog, guardrails; quota use
    ("components", "guardrails"),  # the ComponentResources; the guardrail rules and the policy pack
    ("catalog",),  # the model catalog, instance types, Azure's limits
    ("manifest",),  # the only YAML reader, documents with positions, the schema, the typed manifest
    ("azure",),  # what the kit knows about Azure: resource types, key inputs, filters, Azure's lists
    ("files",),  # files written whole, a command's files together (temporary files, a journal)
    ("errors", "words", "shipped", "paths", "gc_tuning", "pulumi_sdk", "foundry_estate"),  # the ground
)
LAYER = {stage: index for index, layer in enumerate(LAYERS) for stage in layer}

# Where each top-level folder lives inside the package (pyproject's package-dir mapping).
_ROOTS = {"foundry_estate": "foundry_estate", "components": "foundry_estate.components", "policy": "foundry_estate.policy"}
_DATA = ("templates",)  # folders of files `init` copies into a team's project, not the kit's code


def _modules() -> dict[str, str]:
    """Module name -> file, for the kit's own code."""
    found = {}
    for folder, package in _ROOTS.items():
        for root, directories, files in os.walk(os.path.join(REPO, folder)):
            directories[:] = [d for d in directories if d not in _DATA and not d.startswith(".")]
            for file in files:
                if file.endswith(".py"):
                    parts = os.path.relpath(os.path.join(root, file), os.path.join(REPO, folder))[:-3].split(os.sep)
                    if parts[-1] == "__init__":
                        parts = parts[:-1]
                    found[".".join([package, *parts])] = os.path.join(root, file)
    return found


MODULES = _modules()


def _typing_only(node: ast.AST) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(module: str, typing: bool = False) -> list[tuple[str, tuple[str, ...], int]]:
    """(imported module, names, line) for each import statement of `module` that runs (`typing`:
    and those under `if TYPE_CHECKING:`), relative ones resolved."""
    with open(MODULES[module], encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    package = module if MODULES[module].endswith("__init__.py") else module.rsplit(".", 1)[0]
    found: list[tuple[str, tuple[str, ...], int]] = []

    def visit(node: ast.AST) -> None:
        if _typing_only(node) and not typing:
            for child in node.orelse:  # type: ignore[attr-defined]
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.extend((alias.name, (), node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
            names = tuple(alias.name for alias in node.names)
            found.append((base, names, node.lineno))
            found.extend((f"{base}.{name}", (), node.lineno) for name in names if f"{base}.{name}" in MODULES)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _kit_imports(module: str) -> set[str]:
    return {name for name, _, _ in _imports(module) if name in MODULES}


def _reachable(start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo += _kit_imports(module)
    return seen


def stage(module: str) -> str:
    """The stage folder (or top-level module) of a module: `foundry_estate.manifest.loader` -> `manifest`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def arrows() -> dict[tuple[str, str], list[str]]:
    """Every import between two stages: (from, to) -> the import statements, as `module:line -> module`."""
    found: dict[tuple[str, str], list[str]] = {}
    for module in sorted(MODULES):
        for name, _, line in _imports(module):
            if name in MODULES and stage(name) != stage(module):
                found.setdefault((stage(module), stage(name)), []).append(f"{module}:{line} -> {name}")
    return found


def cycles(edges: set[tuple[str, str]]) -> list[list[str]]:
    """The strongly connected groups of more than one node (Tarjan), each sorted."""
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_the_graph_is_read() -> None:
    assert "foundry_estate.cli.commands.validate" in MODULES and "foundry_estate.components.serial" in MODULES
    assert "foundry_estate.project.project" in _kit_imports("foundry_estate.cli.commands.validate")
    assert ("cli", "manifest") in arrows() and ("components", "manifest") in arrows()


def test_an_import_inside_a_function_counts_and_a_typing_only_one_does_not(tmp_path) -> None:
    source = tmp_path / "sample.py"
    source.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from foundry_estate.cli import main\n"
                      "def f():\n    from foundry_estate.errors import KitError\n", encoding="utf-8")
    MODULES["foundry_estate.sample"] = str(source)
    try:
        assert _kit_imports("foundry_estate.sample") == {"foundry_estate.errors"}
    finally:
        del MODULES["foundry_estate.sample"]


def test_every_stage_has_a_layer() -> None:
    stages = {stage(module) for module in MODULES}
    assert stages - set(LAYER) == set(), "a new stage folder: give it its place in LAYERS (tests/test_import_graph.py)"
    assert set(LAYER) - stages == set()


def test_imports_between_stages_go_down() -> None:
    """Each import between stage folders goes to a lower layer: never up, never sideways."""
    wrong = {f"{a} (layer {LAYER[a] + 1}) -> {b} (layer {LAYER[b] + 1}): {', '.join(where)}"
             for (a, b), where in arrows().items() if LAYER[a] >= LAYER[b]}
    assert wrong == set()


def test_no_cycle_between_stages_or_modules() -> None:
    assert cycles(set(arrows())) == []
    modules = {(module, name) for module in MODULES for name in _kit_imports(module)
               if name != module and not module.startswith(name + ".")}  # a package's own __init__ is no cycle
    assert cycles(modules) == []


def test_the_readme_layout_lists_the_layers_in_order() -> None:
    """The README's "Layers" table: one row per stage folder, numbered by its layer, top to bottom."""
    with open(os.path.join(REPO, "README.md"), encoding="utf-8") as handle:
        text = handle.read()
    table = text.split("| Layer | Folder | What it is |", 1)[1].split("\n\n", 1)[0]
    rows = [re.match(r"\| (\d+) \| `([^`]+)`", line) for line in table.splitlines()[2:]]
    listed = [(int(row.group(1)), row.group(2)) for row in rows if row]
    expected = [(index + 1, _folder(name)) for index, layer in enumerate(LAYERS) for name in layer]
    assert listed == expected, "the README's Layers table, from LAYERS:\n" + "\n".join(f"| {n} | `{f}` |" for n, f in expected)


def _folder(name: str) -> str:
    if name in ("components", "policy"):
        return f"{name}/"
    if name == "foundry_estate":
        return "foundry_estate/__init__.py"
    module = f"foundry_estate.{name}"
    return f"foundry_estate/{name}.py" if MODULES[module].endswith(f"{name}.py") else f"foundry_estate/{name}/"


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
        for name, names, _ in _imports(module, typing=True):
            private = any(n.startswith("_") for n in names) and name.startswith("pulumi")
            internal = name.startswith(_SDK_INTERNALS) or (name == "pulumi.runtime" and "rpc" in names)
            if private or internal:
                reaching.add((module, name, names))
    assert reaching == set()


def _calls(module: str, name: str) -> list[int]:
    """Lines of `module` that call `name` (as `name(...)` or `x.name(...)`)."""
    with open(MODULES[module], encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call) and
            (getattr(node.func, "id", None) == name or getattr(node.func, "attr", None) == name)]


# Who may look for Pulumi.yaml: the entry points (the policy pack's is guardrails/pack.py), and
# project/ which resolves the project for them. The loader's `_confinement` serves only callers
# that hand it no project root (tests, scripts).
_FINDERS = ("cli", "policy", "program", "project")
_ALSO_FINDING = ("foundry_estate.guardrails.pack", "foundry_estate.manifest.loader", "foundry_estate.paths")


def test_only_the_entry_points_look_for_the_project() -> None:
    looking = {f"{module}:{line}" for module in MODULES for line in _calls(module, "find_root")
               if stage(module) not in _FINDERS and module not in _ALSO_FINDING}
    assert looking == set()


def test_no_module_carries_a_parameter_in_the_process_environment() -> None:
    """Nothing writes os.environ; FOUNDRY_KIT_TODAY is read in one place, where entry points resolve the project."""
    writes, reads = set(), set()
    for module in MODULES:
        with open(MODULES[module], encoding="utf-8") as handle:
            text = handle.read()
        for node in ast.walk(ast.parse(text)):
            targets = node.targets if isinstance(node, ast.Assign) else node.targets if isinstance(node, ast.Delete) else []
            if any(isinstance(t, ast.Subscript) and ast.unparse(t.value) == "os.environ" for t in targets):
                writes.add(f"{module}:{node.lineno}")
            if isinstance(node, ast.Call) and ast.unparse(node.func) in (
                    "os.environ.update", "os.environ.pop", "os.environ.setdefault", "os.putenv"):
                writes.add(f"{module}:{node.lineno}")
            if isinstance(node, ast.Constant) and node.value == "FOUNDRY_KIT_TODAY":  # the name itself, not prose
                reads.add(module)
    assert writes == set()
    assert reads == {"foundry_estate.project.project"}
