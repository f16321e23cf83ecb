"""Policy-pack arguments without the Pulumi engine: the one place that calls pulumi_policy's
constructors (public, but not a documented test API, and their positional signatures have
grown over releases), so a change there is fixed here only.

`stack_args(graph)` turns what the mock engine recorded (`foundry_estate.preview.engine.run_program`)
into the `StackValidationArgs` a stack policy receives: properties behind the SDK's
unknown-checking proxy, values unknown until apply as the SDK's unknown sentinels, parents and
dependencies as resource objects, `protect` in the resource options.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

from pulumi_policy import (Policy, PolicyCustomTimeouts, PolicyResource, PolicyResourceOptions, StackValidationArgs,
                           StackValidationPolicy)
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

from foundry_estate.preview.engine import UNKNOWN, Graph
from support.engine_states import EngineResource


def resource(type_: str, props: Mapping[str, Any], urn: str, name: str, *, protect: bool = False,
             parent: PolicyResource | None = None, dependencies: Sequence[PolicyResource] = (),
             property_dependencies: Mapping[str, Sequence[PolicyResource]] | None = None) -> PolicyResource:
    """One resource as a stack policy sees it (`UNKNOWN` values become the SDK's unknowns)."""
    options = PolicyResourceOptions(protect, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], parent.urn if parent else None)
    return PolicyResource(type_, unknown_checking_proxy(sentinels(dict(props))), urn, name, options, None, parent,
                          list(dependencies), {key: list(deps) for key, deps in (property_dependencies or {}).items()})


def stack_args(resources: Graph | Iterable[PolicyResource] | Sequence[EngineResource],
               config: Mapping[str, Any] | None = None,
               stack_tags: Mapping[str, str] | None = None) -> StackValidationArgs:
    """The arguments of a stack validation: from a recorded graph (its inputs), from its resources
    in one engine state (`support.engine_states.engine_view`), or from resources built with `resource`."""
    if isinstance(resources, Graph):
        resources = _from_engine([EngineResource(r.type, r.urn, r.name, r.parent, r.custom, r.protect,
                                                 r.inputs if r.custom else {}, tuple(r.dependencies))
                                  for r in resources.resources])
    else:
        resources = list(resources)
        if resources and isinstance(resources[0], EngineResource):
            resources = _from_engine(resources)  # type: ignore[arg-type]
    return StackValidationArgs(list(resources), dict(config) if config else None, dict(stack_tags) if stack_tags else None)


def run_stack_policies(policies: Iterable[Policy], args: StackValidationArgs) -> list[tuple[str, str, str, str]]:
    """Run every enabled stack policy as the engine would: (policy, enforcement level, message, urn)
    for each violation reported."""
    reported: list[tuple[str, str, str, str]] = []
    for policy in policies:
        level = policy.enforcement_level.value if policy.enforcement_level else "advisory"
        if level == "disabled" or not isinstance(policy, StackValidationPolicy):
            continue

        def report(message: str, urn: str | None = None, policy: Policy = policy, level: str = level) -> None:
            reported.append((policy.name, level, message, urn or ""))

        policy.validate(args, report)
    return reported


def _from_engine(view: Sequence[EngineResource]) -> list[PolicyResource]:
    ordered = sorted(view, key=lambda r: r.urn)
    built = {r.urn: resource(r.type, r.props, r.urn, r.name, protect=r.protect) for r in ordered}
    for r in ordered:
        item = built[r.urn]
        item.parent = built.get(r.parent)
        item.opts.parent = r.parent or None
        item.dependencies = [built[urn] for urn in r.dependencies if urn in built]
        item.property_dependencies = {key: [built[urn] for urn in urns if urn in built]
                                      for key, urns in r.property_dependencies.items()}
    return [built[r.urn] for r in ordered]


def sentinels(value: Any) -> Any:
    """`UNKNOWN` values as the engine's unknown sentinel (the wire's, and pulumi-policy's)."""
    if value == UNKNOWN:
        return UNKNOWN_STRING_VALUE
    if isinstance(value, dict):
        return {key: sentinels(item) for key, item in value.items()}
    if isinstance(value, list):
        return [sentinels(item) for item in value]
    return value
