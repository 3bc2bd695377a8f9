"""Limits: a busy server refuses new calls without harming running ones; idle and long calls end
cleanly with their scorecard."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest_asyncio
import websockets

from server.http.app import create_app
from server.http.inprocess import serve_in_process
from server.settings import Settings
from tests.support.call_helpers import next_event
from voices.engines import Engines


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def tight_url(engines: Engines, tmp_path_factory: Any) -> AsyncIterator[str]:
    settings = Settings(data_dir=Path(tmp_path_factory.mktemp("tight")), auth_required=False,
                        max_calls=1, idle_timeout_s=1.5, max_call_seconds=6.0)
    async with serve_in_process(create_app(settings, engines)) as base:
        yield base.replace("http://", "ws://") + "/ws/call"


async def test_busy_server_refuses_a_new_call_and_keeps_the_running_one(tight_url: str) -> None:
    start = json.dumps({"type": "start", "scenario": "price-pressure"})
    async with websockets.connect(tight_url) as first:
        await first.send(start)
        ready = await next_event(first, "ready")
        async with websockets.connect(tight_url) as second:
            await second.send(start)
            error = await next_event(second, "error")
            assert error["code"] == "busy" and "limit" in error["message"]
        await first.send(b"\x00\x00" * 8000)
        await first.send(json.dumps({"type": "end"}))
        card = await next_event(first, "scorecard")
        assert card["call_id"] == ready["call_id"]
    # the slot is free again once the call has ended
    async with websockets.connect(tight_url) as third:
        await third.send(start)
        await next_event(third, "ready")


async def test_idle_client_is_hung_up_with_a_scorecard(tight_url: str) -> None:
    async with websockets.connect(tight_url) as ws:
        await ws.send(json.dumps({"type": "start", "scenario": "send-info"}))
        await next_event(ws, "ready")
        error = await next_event(ws, "error")
        assert error["code"] == "idle"
        assert (await next_event(ws, "scorecard"))["scenario"] == "send-info"


async def test_call_past_its_length_limit_ends_with_a_scorecard(tight_url: str) -> None:
    async with websockets.connect(tight_url) as ws:
        await ws.send(json.dumps({"type": "start", "scenario": "time-pressure"}))
        await next_event(ws, "ready")
        for _ in range(7):
            await ws.send(b"\x00\x00" * 16_000)
        error = await next_event(ws, "error")
        assert error["code"] == "call_too_long"
        card = await next_event(ws, "scorecard")
        assert card["duration"] >= 6.0
