"""The Pulumi program: read config, load and validate the stack's manifest, build it.

Wiring only. An invalid manifest stops `pulumi up` with the messages `foundry-kit
validate` prints, never a traceback.
"""

import os

import pulumi

from foundry_kit.components import provision
from foundry_kit.errors import KitError
from foundry_kit.project.stacks import CONFIG_KEY, manifest_path
from foundry_kit.validate import load_manifest

ROOT = os.path.dirname(os.path.abspath(__file__))

namespace, key = CONFIG_KEY.split(":")
path = manifest_path(ROOT, pulumi.get_stack(), pulumi.Config(namespace).get(key))
try:
    validated = load_manifest(path)
except KitError as error:
    raise pulumi.RunError(f"the manifest is not valid:\n{error}") from None
for warning in validated.warnings:
    pulumi.log.warn(str(warning))
for output_name, value in provision(validated.manifest).items():
    pulumi.export(output_name, value)
