"""The CrossGuard side: one stack validation policy per guardrail rule.

A project's `policy/__main__.py` calls `serve(its guardrails.yaml)`, which builds the
`PolicyPack`. Each policy's name is the rule id, its
enforcement level the rule's level in the stack's environment (disabled rules are listed as
disabled), and it reports every violation against the URN of the resource it is about.
Stack validation sees every resource of the stack, including ones written by hand outside
the kit's components.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any, Iterable

from pulumi.runtime import get_config_env
from pulumi_policy import (EnforcementLevel, PolicyPack, PolicyResource, ReportViolation, StackValidationArgs,
                           StackValidationPolicy)
from pulumi_policy.proxy import UnknownValueError

from foundry_kit.errors import KitError
from foundry_kit.guardrails.checks import evaluate
from foundry_kit.guardrails.config import Guardrails, ResolvedRule, load_guardrails
from foundry_kit.guardrails.environment import stack_environment
from foundry_kit.words import UNKNOWN
from foundry_kit.guardrails.facts import Facts
from foundry_kit.guardrails.from_engine import TYPES, StackResource, engine_facts

PACK_NAME = "foundry-kit-guardrails"
ENFORCEMENT = {"mandatory": EnforcementLevel.MANDATORY, "advisory": EnforcementLevel.ADVISORY}
BASELINE = "default"  # the environment without a stack (`pulumi policy publish`)


def serve(guardrails_file: str) -> None:
    """Run the policy pack (the Pulumi CLI starts it) with the rules of `guardrails_file`."""
    PolicyPack(PACK_NAME, pack_policies(guardrails_file), description=f"foundry-kit guardrails ({guardrails_file})")


def pack_environment() -> str:
    """The stack's environment: its `foundry-kit:environment` config, else the stack name, both of
    which the Pulumi CLI hands the pack (PULUMI_CONFIG, PULUMI_STACK); without a stack, `default`."""
    return stack_environment(os.environ.get("PULUMI_STACK") or BASELINE, get_config_env())


def pack_policies(guardrails_file: str) -> list[StackValidationPolicy]:
    """The policies of `guardrails_file` for the stack's environment; a broken file stops the pack."""
    try:
        guardrails = load_guardrails(guardrails_file)
    except KitError as error:
        sys.exit(f"{PACK_NAME}: the guardrails file is not valid:\n{error}")
    return policies(guardrails, pack_environment())


def policies(guardrails: Guardrails, environment: str) -> list[StackValidationPolicy]:
    return [_policy(rule) for rule in guardrails.for_environment(environment)]


def _policy(rule: ResolvedRule) -> StackValidationPolicy:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        for violation in evaluate([rule], stack_facts(args.resources)):
            report_violation(violation.message, violation.where)

    return StackValidationPolicy(
        name=rule.id, description=rule.description, validate=validate,
        enforcement_level=ENFORCEMENT[rule.level] if rule.enabled else EnforcementLevel.DISABLED)


def stack_facts(resources: Iterable[PolicyResource]) -> Facts:
    return engine_facts(stack_resource(r) for r in resources if r.resource_type in TYPES)


def stack_resource(resource: PolicyResource) -> StackResource:
    """A `PolicyResource` as plain data: values unknown during preview become `UNKNOWN`
    (reading them through the SDK's proxy would abandon the whole policy for the stack)."""
    return StackResource(
        type=resource.resource_type, urn=resource.urn, name=resource.name,
        props=plain(resource.props),
        protect=bool(resource.opts.protect) if resource.opts is not None else False,
        dependencies=tuple(d.urn for d in resource.dependencies or ()),
        property_dependencies={key: tuple(d.urn for d in deps)
                               for key, deps in (resource.property_dependencies or {}).items()})


def plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _read(value, key) for key in value}
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        return [_read(value, index) for index in range(len(value))]
    return value


def _read(container: Any, key: Any) -> Any:
    try:
        return plain(container[key])
    except UnknownValueError:
        return UNKNOWN
