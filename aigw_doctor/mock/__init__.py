"""The gateway emulator: a loopback HTTP server that behaves like the Neon or Cloudflare AI Gateway.

Public API: `run_emulator(...)` / `Emulator` (in-process, background thread), `SCENARIOS`, `scenarios_for`.
It never forwards anything anywhere: every answer is made up locally.
"""

from __future__ import annotations

from aigw_doctor.mock.config import ConfigError, EmulatorConfig, load_config
from aigw_doctor.mock.emulator import DemoCredential, Emulator, run_emulator
from aigw_doctor.mock.scenarios import SCENARIOS, Scenario, ScenarioError, scenarios_for

__all__ = [
    "SCENARIOS",
    "ConfigError",
    "DemoCredential",
    "Emulator",
    "EmulatorConfig",
    "Scenario",
    "ScenarioError",
    "load_config",
    "run_emulator",
    "scenarios_for",
]
