"""The voice warm-up: every scenario's fixed lines are made at start-up, never beside a call.

Made beside a call, a scenario's lines (about 15 s of both cores) slowed its transcripts
fourfold and its answers from 0.59 to 1.3-1.9 s (bench/README.md), so the warm-up waits while
a call is live.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from dialog.scenario import builtin_catalog
from server.call.catalog import fixed_lines
from server.call.prefetch import LinePrefetcher
from server.http.app import create_app
from server.http.inprocess import serve_in_process
from server.settings import Settings
from tests.support.engines import scripted_engines
from tests.support.helpers import until


@pytest.mark.asyncio
async def test_the_warm_up_waits_while_a_call_is_live_and_then_makes_every_line() -> None:
    _, _, tts = scripted_engines()
    scenario = builtin_catalog().scenarios["price-pressure"]
    live = [True]
    prefetcher = LinePrefetcher(tts, busy=lambda: live[0])
    prefetcher.request(scenario)
    await asyncio.sleep(0.6)  # longer than the warm-up's look at the calls
    assert tts.prepared == [], "a line was made while a call was live"
    live[0] = False
    await until(lambda: prefetcher.finished, timeout=10)
    assert prefetcher.finished == [("price-pressure", scenario.personas[0].name)]
    assert tts.prepared == fixed_lines(scenario)
    prefetcher.request(scenario)  # done once: asked again, nothing is made twice
    await asyncio.sleep(0.1)
    assert len(tts.prepared) == len(fixed_lines(scenario))
    await prefetcher.close()


@pytest.mark.asyncio
async def test_a_started_server_warms_each_scenario_in_its_first_persona(tmp_path: Path) -> None:
    engines, _, tts = scripted_engines()
    settings = Settings(data_dir=tmp_path, auth_required=False, warm_lines_at_start=True)
    app = create_app(settings, engines)
    async with serve_in_process(app):
        prefetcher = app.state.prefetcher
        catalog = builtin_catalog().scenarios
        await until(lambda: len(prefetcher.finished) == len(catalog), timeout=10)
        assert prefetcher.finished == [(s.id, s.personas[0].name) for s in catalog.values()]
        assert len(tts.prepared) == sum(len(fixed_lines(s)) for s in catalog.values())


@pytest.mark.asyncio
async def test_a_server_for_scripted_calls_makes_no_lines_ahead(tmp_path: Path) -> None:
    engines, _, tts = scripted_engines()
    app = create_app(Settings(data_dir=tmp_path, warm_lines_at_start=False), engines)
    async with serve_in_process(app):
        await asyncio.sleep(0.3)
        assert app.state.prefetcher.finished == [] and tts.prepared == []
