"""A server admits by default what docs/deploy.md's sizing rule says its machine holds."""

from __future__ import annotations

import os

import pytest

from server.settings import CALLS_PER_CORE, Settings


def test_the_default_admits_six_calls_a_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WALKAWAY_MAX_CALLS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert Settings().max_calls == 12 == 2 * CALLS_PER_CORE  # was 16 whatever the machine
    monkeypatch.setattr(os, "cpu_count", lambda: None)  # unknown: one core's worth
    assert Settings().max_calls == CALLS_PER_CORE


def test_an_operator_setting_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WALKAWAY_MAX_CALLS", "6")
    assert Settings().max_calls == 6
