"""The CrossGuard side: one stack validation policy per guardrail rule.

A project's `policy/__main__.py` calls `serve(its guardrails.yaml)`, which builds the
`PolicyPack`. Each policy's name is the rule id, its
enforcement level the rule's level in the stack's environment (disabled rules are listed as
disabled), and it reports every violation against the URN of the resource it is about.
Stack validation sees every resource of the stack, including ones written by hand outside
the kit's components.

Which environment's rules apply is said, never assumed in silence: the stack's
`foundry-kit:environment` config, else the stack name (the CLI hands the pack both, as
PULUMI_CONFIG and PULUMI_STACK); without a stack (`pulumi policy publish`, CLIs that pass
neither) each policy's config `environment` (`pulumi policy enable --config`,
`--policy-pack-config`), else the rules as written, with a warning. The pack logs its choice
through the engine's Log service (the CLI shows it), or to stderr when it has no engine.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Iterable

from pulumi.runtime import get_config_env
from pulumi_policy import (EnforcementLevel, Policy, PolicyConfigSchema, PolicyPack, PolicyResource, ReportViolation,
                           ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy)
from pulumi_policy.proxy import UnknownValueError

from foundry_estate.errors import KitError
from foundry_estate.pulumi_sdk import engine_log
from foundry_estate.guardrails.checks import evaluate
from foundry_estate.guardrails.config import AS_WRITTEN, Guardrails, ResolvedRule, load_guardrails
from foundry_estate.guardrails.environment import ENVIRONMENT_KEY, stack_environment
from foundry_estate.words import UNKNOWN
from foundry_estate.catalog.prices import project_prices
from foundry_estate.guardrails.facts import Facts
from foundry_estate.paths import find_root
from foundry_estate.guardrails.from_engine import TYPES, StackResource, engine_facts

PACK_NAME = "foundry-kit-guardrails"
INPUTS_POLICY = f"{PACK_NAME}-inputs"  # not a rule: reads inputs so the stack policies can identify resources
ENFORCEMENT = {"mandatory": EnforcementLevel.MANDATORY, "advisory": EnforcementLevel.ADVISORY}
BASELINE = "default"  # no environment named: every rule as written (the file writes them for production)
CONFIG_ENVIRONMENT = "environment"  # each policy's config property naming the environment, for packs run without a stack
_CONFIG_SCHEMA = PolicyConfigSchema(properties={CONFIG_ENVIRONMENT: {
    "type": "string", "description": "The environment whose guardrails apply when the CLI names no stack "
                                     "(a stack's foundry-kit:environment config, else its name, comes first)."}})


@dataclass(frozen=True)
class Choice:
    """Which environment applies and why; `environment` None: no stack, so each policy's config decides."""

    environment: str | None
    reason: str

    def announcement(self, guardrails_file: str) -> str:
        if self.environment is None:
            return (f"{PACK_NAME}: no stack named ({self.reason}): each policy applies the environment its config "
                    f"'{CONFIG_ENVIRONMENT}' names, else the rules of {guardrails_file} as written ({AS_WRITTEN}'s "
                    f"settings); set '{CONFIG_ENVIRONMENT}' in the pack's config or run it with a stack")
        return f"{PACK_NAME}: applying the guardrails of environment '{self.environment}' ({self.reason}) from {guardrails_file}"


def serve(guardrails_file: str) -> None:
    """Run the policy pack (the Pulumi CLI starts it) with the rules of `guardrails_file`."""
    choice = pack_environment()
    pack = pack_policies(guardrails_file, choice)
    unnamed = choice.environment is not None and not load_guardrails(guardrails_file).knows(choice.environment)
    announce(choice.announcement(guardrails_file) + (
        f", which does not name it: every rule applies as written ({AS_WRITTEN}'s settings)" if unnamed else ""),
        warning=choice.environment is None or unnamed)
    PolicyPack(PACK_NAME, pack, description=f"foundry-estate guardrails ({guardrails_file})")


def pack_environment() -> Choice:
    """The stack's environment: its `foundry-kit:environment` config, else the stack name, both of
    which the Pulumi CLI hands the pack (PULUMI_CONFIG, PULUMI_STACK); without a stack, none."""
    stack, config = os.environ.get("PULUMI_STACK"), get_config_env()
    if not stack:
        return Choice(None, "PULUMI_STACK is not set, as under `pulumi policy publish`")
    environment = stack_environment(stack, config)
    return Choice(environment, f"the {ENVIRONMENT_KEY} config of stack {stack}" if environment != stack else f"stack {stack}")


def pack_policies(guardrails_file: str, choice: Choice | None = None) -> list[Policy]:
    """The policies of `guardrails_file` for the stack's environment; a broken file stops the pack."""
    try:
        guardrails = load_guardrails(guardrails_file)
    except KitError as error:
        sys.exit(f"{PACK_NAME}: the guardrails file is not valid:\n{error}")
    return [*policies(guardrails, (choice or pack_environment()).environment)]


def policies(guardrails: Guardrails, environment: str | None) -> list[StackValidationPolicy | ResourceValidationPolicy]:
    """One policy per rule, listed at its level in `environment` (None: no stack; each policy's
    config `environment`, else the rules as written). An environment the file does not name gets
    every rule as written, as `validate` gives it (`Guardrails.for_environment`).

    Last, `INPUTS_POLICY`, which reports nothing: the engine hands it each resource's inputs
    (`Analyze`, before the stack policies' `AnalyzeStack`), and the stack policies read them
    with the outputs. Outputs lack the inputs that name a resource in Azure (`raiPolicyName`,
    `accountName`, ...), and while a resource is created its `name` is unknown: the kit's
    logical names stand in for its own resources, these inputs for resources written by hand."""
    inputs: dict[str, Mapping[str, Any]] = {}  # URN -> the inputs the engine last analyzed
    listed = guardrails.for_environment(environment or BASELINE)
    return [*(_policy(guardrails, index, rule, environment is None, inputs) for index, rule in enumerate(listed)),
            _inputs_policy(inputs)]


def _inputs_policy(inputs: dict[str, Mapping[str, Any]]) -> ResourceValidationPolicy:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if args.resource_type in TYPES:
            inputs[args.urn] = plain(args.props)

    return ResourceValidationPolicy(
        name=INPUTS_POLICY, validate=validate, enforcement_level=EnforcementLevel.ADVISORY,
        description="Reads the inputs of Foundry resources (their Azure names) for the guardrails; reports nothing.")


def _policy(guardrails: Guardrails, index: int, listed: ResolvedRule, configurable: bool,
            inputs: Mapping[str, Mapping[str, Any]]) -> StackValidationPolicy:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        configured = (args.get_config() or {}).get(CONFIG_ENVIRONMENT) if configurable else None
        rule = guardrails.for_environment(configured)[index] if isinstance(configured, str) and configured else listed
        for violation in evaluate([rule], stack_facts(args.resources, inputs)):
            report_violation(violation.message, violation.where)

    return StackValidationPolicy(
        name=listed.id, description=listed.description, validate=validate, config_schema=_CONFIG_SCHEMA,
        enforcement_level=ENFORCEMENT[listed.level] if listed.enabled else EnforcementLevel.DISABLED)


def announce(message: str, warning: bool = False) -> None:
    """Say `message` where the user sees it: through the engine's Log service when the CLI
    started the pack (`python -m pulumi.policy <engine address> <pack dir>`), else on stderr."""
    address = _engine_address()
    if address and engine_log(address, message, warning):
        return
    print(f"{'warning' if warning else 'info'}: {message}", file=sys.stderr, flush=True)


def _engine_address() -> str | None:
    """The engine address `python -m pulumi.policy <engine address> <pack dir>` was started with
    (`runpy` has put the pack dir in argv[0] while the pack runs)."""
    return sys.argv[1] if len(sys.argv) >= 3 and _ADDRESS.match(sys.argv[1]) else None


_ADDRESS = re.compile(r"^[\w.\-]+:\d+$|^\[[0-9a-fA-F:]+\]:\d+$")


def stack_facts(resources: Iterable[PolicyResource], inputs: Mapping[str, Mapping[str, Any]] | None = None) -> Facts:
    """The engine's resources as facts, priced (max-monthly-cost) with the project's prices: the pack
    runs inside the project (policy/), whose catalog/prices.yaml adds to the kit's."""
    return engine_facts((stack_resource(r, (inputs or {}).get(r.urn, {})) for r in resources if r.resource_type in TYPES),
                        project_prices(find_root()))


def stack_resource(resource: PolicyResource, inputs: Mapping[str, Any] | None = None) -> StackResource:
    """A `PolicyResource` as plain data: values unknown during preview become `UNKNOWN`
    (reading them through the SDK's proxy would abandon the whole policy for the stack). Its
    `inputs`, when known, fill what the outputs lack or do not know yet."""
    props = plain(resource.props)
    return StackResource(
        type=resource.resource_type, urn=resource.urn, name=resource.name,
        props={**(inputs or {}), **{key: value for key, value in props.items()
                                    if value != UNKNOWN or key not in (inputs or {})}},
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
