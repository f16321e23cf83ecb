"""The Pulumi CLI's side of a Python policy pack, over gRPC: start the pack as the CLI starts it,
serve the engine it calls back, and drive it with the analyzer protocol's own messages.

Facts read in pulumi/pulumi's sources (sdk/python/cmd/pulumi-language-python `RunPlugin` and
sdk/policy_proxy.go; pkg/resource/plugin/analyzer_plugin.go for older CLIs): CLI 3.221 and newer start `<venv>/bin/python -u -m pulumi.policy <engine
address> <absolute pack dir>` with the pack dir as working directory ("new"); older CLIs start
`... -m pulumi.policy <engine address> . -toolchain=pip` in the pack dir ("old"). Both activate
the virtualenv (its bin first on PATH, VIRTUAL_ENV set, PYTHONHOME unset) and set
PULUMI_ORGANIZATION, PULUMI_PROJECT, PULUMI_STACK, PULUMI_DRY_RUN and PULUMI_CONFIG. The pack
prints its port as the first line of stdout. The messages are pulumi's generated protobufs
(`pulumi.runtime.proto`); unknown values travel as the engine's unknown sentinel.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from concurrent import futures
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, Sequence

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc, engine_pb2, engine_pb2_grpc

from support.engine_states import EngineResource
from support.policy_args import sentinels

STYLES = ("new", "old")
START_TIMEOUT = 60.0  # seconds for the pack to print its port (two shared cores, cold imports)
CALL_TIMEOUT = 60.0
LEVELS = {analyzer_pb2.ADVISORY: "advisory", analyzer_pb2.MANDATORY: "mandatory",
          analyzer_pb2.REMEDIATE: "remediate", analyzer_pb2.DISABLED: "disabled"}


class FakeEngine(engine_pb2_grpc.EngineServicer):
    """The engine service a plugin calls back: keeps what it logs."""

    def __init__(self) -> None:
        self.logs: list[tuple[str, str]] = []  # (severity, message)
        self._root = ""

    def Log(self, request: Any, context: Any) -> Any:
        self.logs.append((engine_pb2.LogSeverity.Name(request.severity).lower(), request.message))
        return empty_pb2.Empty()

    def GetRootResource(self, request: Any, context: Any) -> Any:
        return engine_pb2.GetRootResourceResponse(urn=self._root)

    def SetRootResource(self, request: Any, context: Any) -> Any:
        self._root = request.urn
        return engine_pb2.SetRootResourceResponse()


@dataclass
class Pack:
    """A running pack: its analyzer stub, the engine it logs to, its process and stderr."""

    analyzer: Any
    engine: FakeEngine
    process: subprocess.Popen[bytes]
    stderr: list[str] = field(default_factory=list)

    def info(self) -> Any:
        return self.analyzer.GetAnalyzerInfo(empty_pb2.Empty(), timeout=CALL_TIMEOUT)

    def configure(self, levels: Mapping[str, int], config: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        """`Configure`: each policy at an enforcement level (as the CLI does, at its reported one)."""
        policy_config = {}
        for name, level in levels.items():
            entry = analyzer_pb2.PolicyConfig(enforcementLevel=level)
            entry.properties.update(dict((config or {}).get(name, {})))
            policy_config[name] = entry
        self.analyzer.Configure(analyzer_pb2.ConfigureAnalyzerRequest(policyConfig=policy_config), timeout=CALL_TIMEOUT)

    def analyze(self, resource: EngineResource) -> Any:
        return self.analyzer.Analyze(analyzer_pb2.AnalyzeRequest(
            type=resource.type, properties=wire(resource.props), urn=resource.urn, name=resource.name,
            options=_options(resource)), timeout=CALL_TIMEOUT)

    def analyze_stack(self, resources: Sequence[EngineResource]) -> Any:
        return self.analyzer.AnalyzeStack(analyzer_pb2.AnalyzeStackRequest(resources=[
            analyzer_pb2.AnalyzerResource(
                type=r.type, properties=wire(r.props), urn=r.urn, name=r.name, options=_options(r), parent=r.parent,
                dependencies=list(r.dependencies),
                propertyDependencies={key: analyzer_pb2.AnalyzerPropertyDependencies(urns=list(urns))
                                      for key, urns in r.property_dependencies.items()})
            for r in resources]), timeout=CALL_TIMEOUT)


def violations(response: Any) -> list[tuple[str, str, str, str]]:
    """(policy, level, urn, message) of each diagnostic; the message without the policy's
    description, which pulumi-policy puts on its first line."""
    return [(d.policyName, LEVELS[d.enforcementLevel], d.urn, d.message.split("\n", 1)[1] if "\n" in d.message else "")
            for d in response.diagnostics]


def wire(props: Mapping[str, Any]) -> struct_pb2.Struct:
    """Properties as the engine marshals them: unknowns as its unknown sentinel."""
    message = struct_pb2.Struct()
    json_format.ParseDict(sentinels(dict(props)), message)
    return message


@contextmanager
def running_pack(pack_dir: str, style: str, stack: str | None, config: Mapping[str, str] | None = None,
                 project: str = "foundry-kit", dry_run: bool = True) -> Iterator[Pack]:
    """Start the pack in `pack_dir` as the CLI of `style` does, for `stack` (None: no stack, as
    under `pulumi policy publish`), and stop it afterwards."""
    assert style in STYLES, style
    engine = FakeEngine()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    engine_pb2_grpc.add_EngineServicer_to_server(engine, server)
    engine_port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    pack_dir = os.path.abspath(pack_dir)
    venv = sys.prefix  # the virtualenv the tests run in: the one PulumiPolicy.yaml names (../.venv)
    python = os.path.join(venv, "bin", "python")
    address = f"127.0.0.1:{engine_port}"
    command = [python, "-u", "-m", "pulumi.policy", address] + ([pack_dir] if style == "new" else [".", "-toolchain=pip"])
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("PYTHONHOME", "PYTHONPATH") and not key.startswith("PULUMI_")}
    environment.update(PATH=os.path.join(venv, "bin") + os.pathsep + os.environ.get("PATH", ""), VIRTUAL_ENV=venv,
                       PULUMI_ORGANIZATION="organization", PULUMI_PROJECT=project,
                       PULUMI_DRY_RUN="true" if dry_run else "false")
    if stack is not None:
        environment.update(PULUMI_STACK=stack, PULUMI_CONFIG=json.dumps(dict(config or {})))
    process = subprocess.Popen(command, cwd=pack_dir, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stderr: list[str] = []
    collector = threading.Thread(target=_collect, args=(process.stderr, stderr), daemon=True)
    collector.start()
    try:
        port = _first_line(process, START_TIMEOUT)
        assert port.isdigit(), f"the pack printed {port!r} instead of its port; stderr:\n{''.join(stderr)}"
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            grpc.channel_ready_future(channel).result(timeout=START_TIMEOUT)
            yield Pack(analyzer_pb2_grpc.AnalyzerStub(channel), engine, process, stderr)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        collector.join(timeout=10)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
        server.stop(0)


def handshake_and_configure_stack(pack: Pack, stack: str, project: str = "foundry-kit") -> None:
    """What the engine sends first: `Handshake` (UNIMPLEMENTED is accepted) and `ConfigureStack`."""
    try:
        pack.analyzer.Handshake(analyzer_pb2.AnalyzerHandshakeRequest(engine_address="", root_directory="",
                                                                      program_directory=""), timeout=CALL_TIMEOUT)
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.UNIMPLEMENTED, error
    pack.analyzer.ConfigureStack(analyzer_pb2.AnalyzerStackConfigureRequest(stack=stack, project=project, dry_run=True),
                                 timeout=CALL_TIMEOUT)


def plugin_version(pack: Pack) -> str:
    return pack.analyzer.GetPluginInfo(empty_pb2.Empty(), timeout=CALL_TIMEOUT).version


def _first_line(process: subprocess.Popen[bytes], timeout: float) -> str:
    line: list[bytes] = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline() if process.stdout else b""), daemon=True)
    reader.start()
    reader.join(timeout)
    if not line:
        raise AssertionError(f"the pack printed no port within {timeout:.0f}s")
    return line[0].decode().strip()


def _collect(stream: Any, into: list[str]) -> None:
    for raw in iter(stream.readline, b""):
        into.append(raw.decode(errors="replace"))


def _options(resource: EngineResource) -> Any:
    return analyzer_pb2.AnalyzerResourceOptions(protect=resource.protect, parent=resource.parent)


__all__ = ["FakeEngine", "Pack", "STYLES", "handshake_and_configure_stack", "plugin_version",
           "running_pack", "violations", "wire"]
