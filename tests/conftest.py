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


@pytest.fixture(autouse=True)
def _pinned_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stable, comparable output, and no credential or gateway from the developer's own shell."""
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    for name in (
        "NEON_AI_GATEWAY_TOKEN",
        "NEON_AI_GATEWAY_KEY",
        "NEON_AI_GATEWAY_BASE_URL",
        "NEON_AI_GATEWAY_HOST",
        "CF_AIG_TOKEN",
        "CF_AIG_BASE_URL",
        "OPENAI_API_KEY",
        "ANTHROPIC_API_KEY",
        "GEMINI_API_KEY",
        "GOOGLE_API_KEY",
        "AIGW_DOCTOR_RULES",
        "FORCE_COLOR",
        "GITHUB_ACTIONS",
        "GITHUB_STEP_SUMMARY",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
        "HTTPS_PROXY",
        "HTTP_PROXY",
        "ALL_PROXY",
        "https_proxy",
        "http_proxy",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session", autouse=True)
def _isolated_rule_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One compiled-rule cache for the whole run, away from the developer's own ~/.cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AIGW_DOCTOR_CACHE_DIR", str(tmp_path_factory.mktemp("rule-cache")))
        yield
