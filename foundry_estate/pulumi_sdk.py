"""Every name the kit uses from inside the Pulumi Python SDK, in one place.

The kit runs the real program under Pulumi's mock engine (preview/engine.py) and links
resources by URN (components/serial.py). Both need SDK internals that carry no promise of
stability: the event-loop helper, the program runner, the root stack resource, the settings,
the mock monitor, the RPC wire format and the raw protobuf request, building an `Output`
directly, and `DependencyResource`. They are imported here and nowhere else, and
tests/test_pulumi_sdk.py checks each assumption by name, so a Pulumi upgrade that breaks one
fails that test rather than a plan. Tested with the pulumi versions in constraints.txt.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, TypeVar

import pulumi
from pulumi.output import Unknown
from pulumi.resource import DependencyResource
from pulumi.runtime import rpc
from pulumi.runtime.config import set_all_config
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs, Mocks
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc
from pulumi.runtime.settings import SETTINGS, get_root_resource
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

__all__ = ["MockCallArgs", "MockMonitor", "MockResourceArgs", "Mocks", "UNKNOWN_ON_THE_WIRE", "by_urn", "deserialize",
           "engine_log", "is_unknown", "registration_fields", "root_outputs", "run", "set_config", "set_root_directory"]

T = TypeVar("T")

# What a mock answers for a value Azure computes, unknown until apply (the wire's sentinel).
UNKNOWN_ON_THE_WIRE: str = rpc.UNKNOWN


def run(program: Callable[[], Any]) -> None:
    """Run a Pulumi program function to the end, every registration it started included."""
    _sync_await(run_pulumi_func(program))


def await_now(awaitable: Awaitable[T]) -> T:
    """The value of `awaitable`, from synchronous code, on the SDK's event loop."""
    return _sync_await(awaitable)


def root_outputs() -> dict[str, Any]:
    """The stack's exports (`pulumi.export`) after `run`, unknowns as `Unknown`."""
    root: Any = get_root_resource()  # the Stack resource, which holds `outputs`
    if root is None:
        return {}
    outputs: Any = await_now(pulumi.Output.from_input(root.outputs).future(with_unknowns=True))
    return outputs or {}


def set_root_directory(path: str | None) -> None:
    """What `pulumi.get_root_directory()` answers (the CLI sets it to the project's folder)."""
    SETTINGS.root_directory = path


def set_config(config: dict[str, str]) -> None:
    """The stack's configuration, as `pulumi.Config` reads it (`project:key` keys)."""
    set_all_config(dict(config))


def deserialize(properties: Any) -> Any:
    """A protobuf `Struct` of resource properties as Python values (unknowns as `Unknown`)."""
    return rpc.deserialize_properties(properties)


def is_unknown(value: Any) -> bool:
    return isinstance(value, Unknown)


def registration_fields(request: Any) -> dict[str, Any]:
    """What a `RegisterResourceRequest` carries that the kit records (protobuf field names)."""
    return {"type": request.type, "name": request.name, "parent": request.parent, "custom": request.custom,
            "protect": request.protect, "deleted_with": request.deletedWith,
            "replace_with": sorted(request.replace_with), "dependencies": sorted(set(request.dependencies)),
            "import_id": request.importId, "object": request.object}


def by_urn(resource: pulumi.Resource) -> pulumi.Output[pulumi.Resource]:
    """`resource` as a dependency known only by its URN: an `Output` of a `DependencyResource`,
    which the SDK's cycle check does not walk through (it has no dependencies of its own)."""

    async def stand_in() -> pulumi.Resource:
        urn = await resource.urn.future()
        assert urn is not None, "a registered resource has a URN"
        return DependencyResource(urn)

    async def known() -> bool:
        return True

    return pulumi.Output(resources=set(), future=stand_in(), is_known=known())


def engine_log(address: str, message: str, warning: bool = False, timeout: float = 10) -> bool:
    """Send `message` to the engine's Log service at `address` (the policy pack's channel to the
    CLI's output): the generated protobufs `pulumi.runtime.proto.engine_pb2`/`_grpc`. False when
    no engine answers there."""
    import grpc  # type: ignore[import-untyped]  # noqa: PLC0415 (only the policy pack logs; grpc ships no types)

    try:
        with grpc.insecure_channel(address) as channel:
            engine_pb2_grpc.EngineStub(channel).Log(engine_pb2.LogRequest(
                severity=engine_pb2.WARNING if warning else engine_pb2.INFO, message=message), timeout=timeout)
        return True
    except grpc.RpcError:
        return False
