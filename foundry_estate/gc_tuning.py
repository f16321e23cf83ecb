"""How the kit runs its Pulumi program with less garbage-collection work.

A program run allocates millions of objects (resources, outputs, futures) that live until it
ends; with Python's default thresholds the cyclic collector rescans them again and again (half
the time of a plan of 3,500 resources). Freezing what exists and collecting rarely removes that
work. The mock engine does it for a plan (`fewer_collections`, restored afterwards); the
program does it for itself under `pulumi preview`/`up` (`collect_rarely`), where the process
ends with the run.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

THRESHOLDS = (100_000, 100, 100)


def collect_rarely() -> None:
    """Freeze the objects that exist now and make collections rare, for the rest of the process."""
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """`collect_rarely` for the duration of a block, then the settings as they were."""
    thresholds = gc.get_threshold()
    collect_rarely()
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
