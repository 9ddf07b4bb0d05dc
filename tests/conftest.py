"""Shared fixtures: the gateway emulator, started in-process on an ephemeral loopback port."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from aigw_doctor.mock import Emulator


@pytest.fixture
def start_emulator() -> Iterator[Callable[..., Emulator]]:
    """`start_emulator("neon", scenarios=[...], tls=True, ...)` → a running Emulator, stopped after the test.

    Teardown also proves the shutdown is clean: no emulator thread outlives the test.
    """
    started: list[Emulator] = []

    def start(gateway: str = "neon", **options: Any) -> Emulator:
        emulator = Emulator(gateway, **options)  # type: ignore[arg-type]
        emulator.start()
        started.append(emulator)
        return emulator

    yield start
    for emulator in started:
        emulator.stop()
    leaked = [t.name for t in threading.enumerate() if t.name.startswith("aigw-doctor-mock")]
    assert not leaked, f"emulator threads still running: {leaked}"
