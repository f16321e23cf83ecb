"""One test per assumption foundry_estate/pulumi_sdk.py makes about the Pulumi SDK's internals, so
that an upgrade which breaks one fails here, by name."""

from __future__ import annotations

import asyncio
import contextvars
from typing import Any

import pulumi
from google.protobuf import struct_pb2

from foundry_estate import pulumi_sdk
from foundry_estate.preview.engine import run_function


class _Echo(pulumi_sdk.Mocks):
    def new_resource(self, args: pulumi_sdk.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return f"{args.name}-id", {**args.inputs, "computed": pulumi_sdk.UNKNOWN_ON_THE_WIRE}

    def call(self, args: pulumi_sdk.MockCallArgs) -> dict[str, Any]:
        return {}


class _Recording(pulumi_sdk.MockMonitor):
    def __init__(self) -> None:
        super().__init__(_Echo())
        self.requests: list[dict[str, Any]] = []
        self.outputs: dict[str, Any] = {}

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        self.requests.append({**pulumi_sdk.registration_fields(request), "urn": response.urn})
        return response


def _under_mocks(program: Any, preview: bool = False) -> _Recording:
    monitor = _Recording()

    def run() -> None:
        pulumi.runtime.set_mocks(monitor.mocks, project="p", stack="s", preview=preview, monitor=monitor)
        pulumi_sdk.run(program)
        monitor.outputs = pulumi_sdk.root_outputs()
    contextvars.Context().run(run)
    return monitor


def test_await_now_runs_a_coroutine_from_synchronous_code() -> None:
    async def answer() -> int:
        await asyncio.sleep(0)
        return 42
    assert pulumi_sdk.await_now(answer()) == 42


def test_run_returns_after_every_registration_the_program_started() -> None:
    def program() -> None:
        for i in range(20):
            pulumi.CustomResource("test:index:Thing", f"t{i}", {"i": i})
    monitor = _under_mocks(program)
    assert sorted(r["name"] for r in monitor.requests if r["type"] == "test:index:Thing") == sorted(f"t{i}" for i in range(20))


def test_a_mock_monitor_subclass_sees_each_register_resource_request_with_its_fields() -> None:
    def program() -> None:
        first = pulumi.CustomResource("test:index:Thing", "first", {"a": 1})
        pulumi.CustomResource("test:index:Thing", "second", {"b": "x"}, pulumi.ResourceOptions(
            protect=True, deleted_with=first, replace_with=[first], depends_on=[first], import_="imported-id"))
    monitor = _under_mocks(program)
    first, second = (next(r for r in monitor.requests if r["name"] == n) for n in ("first", "second"))
    assert second["type"] == "test:index:Thing" and second["custom"] is True and second["protect"] is True
    assert second["deleted_with"] == first["urn"]
    assert second["replace_with"] == [first["urn"]]
    assert second["dependencies"] == [first["urn"]]
    assert second["import_id"] == "imported-id"
    assert second["parent"].endswith("pulumi:pulumi:Stack::p-s")
    assert pulumi_sdk.deserialize(second["object"]) == {"b": "x"}


def test_deserialize_reads_wire_values_as_python_values() -> None:
    wire = struct_pb2.Struct()
    wire.update({"s": "x", "n": 2.0, "nested": {"list": [True, "y"]}})
    assert pulumi_sdk.deserialize(wire) == {"s": "x", "n": 2.0, "nested": {"list": [True, "y"]}}


def test_a_mock_s_wire_unknown_is_unknown_in_the_exports_of_a_preview() -> None:
    def program() -> None:
        thing = pulumi.CustomResource("test:index:Thing", "t", {"computed": None, "known": "k"})
        pulumi.export("computed", thing.computed)  # type: ignore[attr-defined]
    program_outputs = _under_mocks(program, preview=True).outputs
    assert pulumi_sdk.is_unknown(program_outputs["computed"])


def test_root_outputs_are_the_stack_exports() -> None:
    graph = run_function(lambda: pulumi.export("answer", {"n": 42}), "s")
    assert graph.outputs == {"answer": {"n": 42}}


def test_set_root_directory_is_what_the_program_reads(tmp_path) -> None:
    seen: list[str] = []

    def program() -> None:
        seen.append(pulumi.get_root_directory())
    monitor = _Recording()

    def run() -> None:
        pulumi.runtime.set_mocks(monitor.mocks, project="p", stack="s", preview=False, monitor=monitor)
        pulumi_sdk.set_root_directory(str(tmp_path))
        pulumi_sdk.run(program)
    contextvars.Context().run(run)
    assert seen == [str(tmp_path)]


def test_set_config_is_what_pulumi_config_reads() -> None:
    graph = run_function(lambda: pulumi.export("v", pulumi.Config("foundry-kit").get("manifest")), "s",
                         {"foundry-kit:manifest": "stacks/x.yaml"})
    assert graph.outputs == {"v": "stacks/x.yaml"}


def test_by_urn_is_a_dependency_the_engine_receives_as_that_urn() -> None:
    def program() -> None:
        first = pulumi.CustomResource("test:index:Thing", "first", {})
        pulumi.CustomResource("test:index:Thing", "second", {}, pulumi.ResourceOptions(depends_on=[pulumi_sdk.by_urn(first)]))
    monitor = _under_mocks(program)
    first, second = (next(r for r in monitor.requests if r["name"] == n) for n in ("first", "second"))
    assert second["dependencies"] == [first["urn"]]


def test_engine_log_reaches_the_engine_s_log_service_and_says_when_none_answers() -> None:
    from concurrent import futures

    import grpc
    from pulumi.runtime.proto import engine_pb2_grpc

    from support.policy_host import FakeEngine

    engine, server = FakeEngine(), grpc.server(futures.ThreadPoolExecutor(max_workers=1))
    engine_pb2_grpc.add_EngineServicer_to_server(engine, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        assert pulumi_sdk.engine_log(f"127.0.0.1:{port}", "hello", warning=True)
        assert engine.logs == [("warning", "hello")]
    finally:
        server.stop(0)
    assert not pulumi_sdk.engine_log(f"127.0.0.1:{port}", "nobody", timeout=2)


def test_a_mock_call_answers_its_result_and_a_list_of_failures() -> None:
    """FoundryMocks.call answers (result, failures); the SDK iterates the failures."""
    from pulumi_azure_native import authorization

    from foundry_estate.preview.engine import SUBSCRIPTION
    graph = run_function(lambda: pulumi.export("subscription", authorization.get_client_config_output().subscription_id), "s")
    assert graph.outputs == {"subscription": SUBSCRIPTION}
