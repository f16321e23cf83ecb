"""Which manifest belongs to which Pulumi stack.

Stack `dev` has its Pulumi config in `stacks/Pulumi.dev.yaml` and its manifest in
`stacks/dev.yaml`, unless the config key `foundry-kit:manifest` names another file
(relative to the project root).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from foundry_estate.errors import KitError, Position, Problem
from foundry_estate.manifest.loader import load_stack_config
from foundry_estate.paths import PROJECT_FILE, display, find_root

CONFIG_KEY = "foundry-kit:manifest"
SUBSCRIPTION_KEY = "azure-native:subscriptionId"
ADOPT_KEY = "foundry-kit:adopt"  # true: the program imports what already exists (components/adoption.py)
DEPLOY_ORDER_KEY = "foundry-kit:deployOrder"
DEFAULT_DEPLOY_ORDER = 100  # a stack that does not say deploys after those that do
STACK_DIR = "stacks"
PROGRAM_FILE = "__main__.py"


@dataclass(frozen=True)
class Stack:
    name: str
    config_file: str
    manifest_file: str


def program_config(stack: Stack) -> dict[str, str]:
    """The stack's Pulumi config as the program sees it, with the manifest as an absolute path.
    Secure values cannot be decrypted offline and are left out: the kit's program reads none."""
    config = {key: value if isinstance(value, str) else json.dumps(value)
              for key, value in load_stack_config(stack.config_file).items()
              if not (isinstance(value, dict) and "secure" in value)} if stack.config_file else {}
    config[CONFIG_KEY] = os.path.abspath(stack.manifest_file)
    return config


def subscription_of(stack: Stack) -> str | None:
    """The subscription the stack deploys to, when its Pulumi config says (`azure-native:subscriptionId`)."""
    value = load_stack_config(stack.config_file).get(SUBSCRIPTION_KEY) if stack.config_file else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def deploy_order(stacks: list[Stack]) -> list[Stack]:
    """The stacks in the order the repository deploys them: `foundry-kit:deployOrder` (a whole
    number, smaller first; default 100), then by name."""
    return sorted(stacks, key=lambda stack: (order_of(stack), stack.name))


def order_of(stack: Stack) -> int:
    """The stack's `foundry-kit:deployOrder` (DEFAULT_DEPLOY_ORDER when it says none)."""
    value = load_stack_config(stack.config_file).get(DEPLOY_ORDER_KEY) if stack.config_file else None
    if value is None:
        return DEFAULT_DEPLOY_ORDER
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().lstrip("-").isdecimal():
        raise KitError([Problem(Position(stack.config_file), DEPLOY_ORDER_KEY,
                                f"must be a whole number (smaller deploys first), not {value!r}")])
    return int(value)


def manifest_path(root: str, stack: str, configured: str | None) -> str:
    """The manifest of `stack`, as a path relative to the working directory when possible."""
    path = os.path.join(root, configured) if configured else os.path.join(root, STACK_DIR, f"{stack}.yaml")
    return display(path)


def discover(root: str, broken: list[Problem] | None = None) -> list[Stack]:
    """Every stack that has a `stacks/Pulumi.<stack>.yaml`, with its manifest. With `broken`, a
    stack file that cannot be read adds its problems there and is left out (else: `KitError`)."""
    stacks = []
    for config_file in sorted(Path(root, STACK_DIR).glob("Pulumi.*.yaml")):
        name = config_file.name[len("Pulumi."):-len(".yaml")]
        try:
            configured = load_stack_config(display(str(config_file))).get(CONFIG_KEY)
        except KitError as error:
            if broken is None:
                raise
            broken.extend(error.problems)
            continue
        stacks.append(Stack(name, display(str(config_file)),
                            manifest_path(root, name, configured if isinstance(configured, str) else None)))
    return stacks


def project_root() -> str:
    """The project of the working directory (its Pulumi.yaml here or above), or a user error."""
    root = find_root()
    if root is None:
        raise KitError([Problem.at(".", "no Pulumi.yaml here or above: run in the project")])
    return root


def select(names: list[str] | None, manifest: str | None) -> list[Stack]:
    """The stacks asked for, by name or as a bare manifest file."""
    if manifest:
        name = names[0] if names else os.path.splitext(os.path.basename(manifest))[0]
        return [Stack(name, "", manifest)]
    root = project_root()
    stacks = discover(root)
    if not names:
        return stacks
    known = {stack.name: stack for stack in stacks}
    missing = [name for name in names if name not in known]
    if missing:
        raise KitError([Problem.at(display(os.path.join(root, "stacks")),
                                   f"no stack {', '.join(missing)}: stacks are {', '.join(known) or 'none'}")])
    return [known[name] for name in names]
