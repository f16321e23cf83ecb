"""Run the real Pulumi program (`__main__.py`) in-process under Pulumi's mock engine and
record the resource graph it registers: no Pulumi CLI, no provider plugin, no cloud.

Pulumi's `Mocks` never see resource options, so `RecordingMonitor` records them where the
SDK hands them over: at `MockMonitor.RegisterResource` (type, name, parent, dependencies,
protect, deletedWith, replaceWith, inputs). Each run gets a fresh `contextvars.Context`, so runs in one
process never share the SDK's ambient state (root stack, settings).

Two modes. `preview=False` (the tests): every resource gets an ARM-shaped id and what Azure
computes, so code inside `.apply` runs. `preview=True` (`foundry-estate plan`): like `pulumi
preview` of a new stack, ids and values Azure computes are unknown, and inputs derived from
them are recorded as `UNKNOWN`.
"""

from __future__ import annotations

import contextvars
import logging
import os
import runpy
from dataclasses import dataclass, field
from typing import Any, Callable

import pulumi

from foundry_estate import pulumi_sdk
from foundry_estate.pulumi_sdk import MockCallArgs, MockMonitor, MockResourceArgs, Mocks

from foundry_estate.azure import resource_types as types
from foundry_estate.gc_tuning import fewer_collections
from foundry_estate.project.project import DEFAULT_PROJECT, HANDED, Project
from foundry_estate.words import UNKNOWN

SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
TENANT = "00000000-0000-0000-0000-00000000aaaa"
CLIENT = "00000000-0000-0000-0000-00000000bbbb"

@dataclass
class Registration:
    type: str
    name: str
    urn: str
    parent: str
    custom: bool
    protect: bool
    deleted_with: str
    replace_with: list[str]
    dependencies: list[str]
    inputs: dict[str, Any]
    import_id: str = ""  # Pulumi's `import` option: the Azure id of an existing resource to adopt

    @property
    def azure_name(self) -> str | None:
        key = types.azure_name_input(self.type)
        return self.inputs.get(key) if key else None


@dataclass
class Graph:
    resources: list[Registration] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    messages: list[tuple[str, str]] = field(default_factory=list)  # (level, message) the program logged

    def of_type(self, type_: str) -> list[Registration]:
        return [r for r in self.resources if r.type == type_]

    def by_urn(self) -> dict[str, Registration]:
        return {r.urn: r for r in self.resources}


# Endpoint type -> (where in `properties` Azure puts the scoring URI, the URI the mock makes up).
_SCORING_URI = {
    types.SERVERLESS_ENDPOINT: (
        ("inferenceEndpoint", "uri"), "https://{name}.{location}.models.ai.azure.com"),
    types.ONLINE_ENDPOINT: (
        ("scoringUri",), "https://{name}.{location}.inference.ml.azure.com/score"),
}


class FoundryMocks(Mocks):
    """Echo inputs as state, add an ARM-shaped id and what Azure computes (name, endpoint, scoring URIs)."""

    def __init__(self, preview: bool = False):
        self.preview = preview

    def new_resource(self, args: MockResourceArgs) -> tuple[str, dict[str, Any]]:
        state = dict(args.inputs)
        name = state.get(types.azure_name_input(args.typ) or "", args.name)
        state["name"] = name
        if args.typ == types.ACCOUNT:
            subdomain = state.get("properties", {}).get("customSubDomainName", name)
            endpoint = pulumi_sdk.UNKNOWN_ON_THE_WIRE if self.preview else f"https://{subdomain}.cognitiveservices.azure.com/"
            state["properties"] = {**state.get("properties", {}), "endpoint": endpoint}
        identities = state.get("identity", {}).get("userAssignedIdentities") if isinstance(state.get("identity"), dict) else None
        if isinstance(identities, list):  # inputs list the ids; Azure answers with a map of them
            state["identity"] = {**state["identity"], "userAssignedIdentities": {i: {} for i in identities}}
        scoring = _SCORING_URI.get(args.typ)
        if scoring:  # the scoring URI Azure assigns an endpoint (these hosts are the mock's, not Azure's contract)
            path, template = scoring
            uri = pulumi_sdk.UNKNOWN_ON_THE_WIRE if self.preview else template.format(name=name, location=state.get("location", ""))
            properties = dict(state.get("properties", {}))
            properties[path[0]] = {path[1]: uri} if len(path) > 1 else uri
            state["properties"] = properties
        if self.preview:
            return "", state
        group = state.get("resourceGroupName", "rg")
        provider = args.typ.split(":")[1]
        return f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{group}/providers/{provider}/{name}", state

    def call(self, args: MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """(the result, no failures): the SDK iterates the failures, whatever its annotation allows."""
        if args.token == "azure-native:authorization:getClientConfig":
            return {"subscriptionId": SUBSCRIPTION, "tenantId": TENANT, "clientId": CLIENT, "objectId": CLIENT}, []
        return {}, []


class RecordingMonitor(MockMonitor):
    def __init__(self, mocks: Mocks):
        super().__init__(mocks)
        self.registrations: list[Registration] = []

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        fields = pulumi_sdk.registration_fields(request)
        if fields["type"] != "pulumi:pulumi:Stack":
            raw = fields.pop("object")
            self.registrations.append(Registration(urn=response.urn, inputs=_known(pulumi_sdk.deserialize(raw)), **fields))
        return response




def _known(value: Any) -> Any:
    """Recorded values as plain data: a value unknown until apply becomes `UNKNOWN`."""
    if pulumi_sdk.is_unknown(value):
        return UNKNOWN
    if isinstance(value, dict):
        return {key: _known(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_known(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)  # the wire carries every number as a double; ARM integers read as integers
    return value


def run_program(stack: str, config: dict[str, str] | None = None, preview: bool = False,
                project: Project | None = None) -> Graph:
    """Run the program of `project` for `stack` under mocks, under the project's name, and return
    what it registered; the program is handed the project (`project.HANDED`). Without a project
    (the program then resolves its own, as under the Pulumi CLI), outside any project, or in one
    without a program file, the kit's own program runs (what `foundry-estate init` writes calls it)."""
    if project is not None and project.program and os.path.isfile(project.program):
        program_file = project.program
        program: Callable[[], Any] = lambda: runpy.run_path(program_file, run_name="__main__")
    else:
        from foundry_estate.program import main as program
    return run_function(program, stack, config, preview, project)


def run_function(program: Callable[[], Any], stack: str, config: dict[str, str] | None = None,
                 preview: bool = False, project: Project | None = None) -> Graph:
    """Run any Pulumi program function under the same mocks (benchmarks compare with it)."""
    return contextvars.Context().run(_run, program, stack, config or {}, preview, project)


class _Messages(logging.Handler):
    """Keeps what the program logs (`pulumi.log`) instead of printing it."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append((record.levelname.lower(), record.getMessage()))


def _run(program: Callable[[], Any], stack: str, config: dict[str, str], preview: bool,
         project: Project | None) -> Graph:
    with fewer_collections():
        return _run_program(program, stack, config, preview, project)


def _run_program(program: Callable[[], Any], stack: str, config: dict[str, str], preview: bool,
                 project: Project | None) -> Graph:
    monitor = RecordingMonitor(FoundryMocks(preview))
    messages = _Messages()
    logger = logging.Logger("foundry-kit.program")
    logger.addHandler(messages)
    pulumi.runtime.set_mocks(monitor.mocks, project=project.name if project else DEFAULT_PROJECT, stack=stack,
                             preview=preview, monitor=monitor, logger=logger)
    pulumi_sdk.set_root_directory(project.root if project else None)  # as the CLI sets it
    pulumi_sdk.set_config(config)
    HANDED.set(project)  # this run's context only (run_function gives each run its own)
    pulumi_sdk.run(program)
    return Graph(monitor.registrations, _known(pulumi_sdk.root_outputs()), messages.messages)
