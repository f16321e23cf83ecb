"""The Pulumi program of a project that uses the kit: a project's `__main__.py` calls `main()`.

Wiring only: read the stack's config, load and validate its manifest (`stacks/<stack>.yaml`,
or the file `foundry-kit:manifest` names, relative to the project root), declare it with the
kit's components and export their outputs. An invalid manifest stops `pulumi up` with the
messages `foundry-estate validate` prints, never a traceback.
"""

from __future__ import annotations

import os

import pulumi

from foundry_estate.components import provision
from foundry_estate.errors import KitError
from foundry_estate.gc_tuning import collect_rarely
from foundry_estate.paths import PROJECT_FILE, find_root
from foundry_estate.project.project import Project, handed, load_project, outside_any_project
from foundry_estate.project.stacks import ADOPT_KEY, CONFIG_KEY, SUBSCRIPTION_KEY, manifest_path


def project_root() -> str:
    """The directory of the project's Pulumi.yaml: what the engine says, else the nearest one above
    the working directory (the Pulumi CLI runs the program there), else the working directory."""
    said = pulumi.get_root_directory()
    if isinstance(said, str) and os.path.isfile(os.path.join(said, PROJECT_FILE)):
        return said
    return find_root() or os.getcwd()


def the_project() -> Project:
    """The project the mock engine hands the program, else (under the Pulumi CLI) the one resolved
    here, once: this is an entry point."""
    project = handed()
    if project is not None:
        return project
    root = project_root()
    return load_project(root) if os.path.isfile(os.path.join(root, PROJECT_FILE)) else outside_any_project()


def main() -> None:
    collect_rarely()  # as the mock engine plans it: see gc_tuning (the run ends with the process)
    project = the_project()
    namespace, key = CONFIG_KEY.split(":")
    path = manifest_path(project.root or project_root(), pulumi.get_stack(), pulumi.Config(namespace).get(key))
    try:
        validated = project.validated(path)
    except KitError as error:
        raise pulumi.RunError(f"the manifest is not valid:\n{error}") from None
    for warning in validated.warnings:
        pulumi.log.warn(str(warning))
    for output_name, value in provision(validated.manifest, adopt_in()).items():
        pulumi.export(output_name, value)


def adopt_in() -> str | None:
    """With `foundry-kit:adopt: true`, the subscription whose existing resources the stack adopts."""
    namespace, key = ADOPT_KEY.split(":")
    if not pulumi.Config(namespace).get_bool(key):
        return None
    namespace, key = SUBSCRIPTION_KEY.split(":")
    subscription = pulumi.Config(namespace).get(key)
    if not subscription:
        raise pulumi.RunError(f"{ADOPT_KEY} is true: set {SUBSCRIPTION_KEY} too, the subscription the resources "
                              "are adopted from (`pulumi config set azure-native:subscriptionId <id>`)")
    return subscription
