"""The per-account write queue: one chain, at any length."""

import contextvars

import pulumi
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from foundry_estate.components.serial import WriteQueue
from foundry_estate.preview.engine import FoundryMocks, RecordingMonitor

LINKS = 1_200  # past the ~1,000 links where plain `depends_on` chains raise RecursionError in the SDK


def _chain() -> list:
    monitor = RecordingMonitor(FoundryMocks())
    pulumi.runtime.set_mocks(monitor.mocks, project="p", stack="s", preview=False, monitor=monitor)

    def program() -> None:
        first = pulumi.CustomResource("test:index:Thing", "first", {})
        queue = WriteQueue(first)
        for index in range(LINKS):
            queue.write(lambda o, index=index: pulumi.CustomResource("test:index:Thing", f"link-{index}", {}, o),
                        pulumi.ResourceOptions(parent=first))

    _sync_await(run_pulumi_func(program))
    return monitor.registrations


def test_a_long_chain_registers_and_each_link_waits_for_the_previous() -> None:
    registered = {r.name: r for r in contextvars.Context().run(_chain)}
    assert len(registered) == LINKS + 1
    assert registered["link-0"].dependencies == [registered["first"].urn]
    for index in range(1, LINKS):
        assert registered[f"link-{index}"].dependencies == [registered[f"link-{index - 1}"].urn]
