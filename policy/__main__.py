"""The guardrails policy pack: wiring only.

The rules live in `policy/guardrails.yaml` and their one implementation in
`foundry_kit/guardrails/`. The environment is the stack's `foundry-kit:environment` config
value, else the stack name, both of which the Pulumi CLI hands the pack (PULUMI_CONFIG,
PULUMI_STACK); without them (`pulumi policy publish`) it is `default`.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
if ROOT not in sys.path:  # the kit, when the virtualenv lacks its editable install
    sys.path.insert(0, ROOT)

from pulumi.runtime import get_config_env  # noqa: E402
from pulumi_policy import PolicyPack  # noqa: E402

from foundry_kit.errors import KitError  # noqa: E402
from foundry_kit.guardrails import load_guardrails, stack_environment  # noqa: E402
from foundry_kit.guardrails.pack import PACK_NAME, policies  # noqa: E402

GUARDRAILS = os.path.join(HERE, "guardrails.yaml")
BASELINE = "default"


def environment() -> str:
    """The stack's environment; without a stack (`pulumi policy publish`), `default`."""
    return stack_environment(os.environ.get("PULUMI_STACK") or BASELINE, get_config_env())


def pack_policies(guardrails_file: str = GUARDRAILS) -> list:
    try:
        guardrails = load_guardrails(guardrails_file)
    except KitError as error:
        sys.exit(f"{PACK_NAME}: the guardrails file is not valid:\n{error}")
    return policies(guardrails, environment())


if __name__ == "__main__":
    PolicyPack(PACK_NAME, pack_policies(), description="foundry-kit guardrails (policy/guardrails.yaml)")
