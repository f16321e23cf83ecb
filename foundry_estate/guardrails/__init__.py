"""Guardrails: the platform team's rules (`policy/guardrails.yaml`), one implementation, two
enforcement points.

- `checks.py`: every rule as a pure function over `facts.py`'s small model of a stack.
- `from_manifest.py`: facts from a validated manifest; `guardrail_problems` reports violations
  at their file:line:column for `foundry-estate validate`.
- `from_engine.py`: facts from the resources the Pulumi engine sees; `pack.py` turns each rule
  into a CrossGuard stack policy for `pulumi preview/up --policy-pack policy`.
- `config.py`: the guardrails file, its schema and per-environment resolution.
- `environment.py`: a stack's environment (its `foundry-kit:environment`, else its name); which
  stacks use a manifest is the project's (`foundry_estate/project/environment.py`).
"""

from foundry_estate.guardrails.checks import CHECKS, Violation, evaluate
from foundry_estate.guardrails.config import DEFAULT_FILE, Guardrails, ResolvedRule, Rule, load_guardrails
from foundry_estate.guardrails.environment import ENVIRONMENT_KEY, stack_environment
from foundry_estate.guardrails.facts import Facts
from foundry_estate.guardrails.from_engine import StackResource, engine_facts
from foundry_estate.guardrails.from_manifest import guardrail_problems, manifest_facts

__all__ = [
    "CHECKS", "DEFAULT_FILE", "ENVIRONMENT_KEY", "Facts", "Guardrails", "ResolvedRule", "Rule", "StackResource",
    "Violation", "engine_facts", "evaluate", "guardrail_problems", "load_guardrails",
    "manifest_facts", "stack_environment",
]
