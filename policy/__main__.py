"""The guardrails policy pack (`pulumi preview --policy-pack policy`): the installed foundry-estate's
rules, held to the guardrails.yaml beside this file, in the stack's environment."""

import os

from foundry_estate.guardrails.pack import PACK_NAME, pack_policies, serve  # noqa: F401 (PACK_NAME: for readers)

GUARDRAILS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "guardrails.yaml")

if __name__ == "__main__":
    serve(GUARDRAILS)
