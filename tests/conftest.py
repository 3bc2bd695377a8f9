"""Shared test set-up: the real bundled models, loaded once, and a live app on loopback."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
import yaml

from tests.support.helpers import FIXTURES
from voices.engines import Engines, load_engines

# Servers the tests start (in process or as `walkaway serve`) make no scenario lines ahead at
# start-up: each would spend about a minute of CPU between the tests' calls.
# tests/test_prefetch.py runs it on purpose.
os.environ.setdefault("WALKAWAY_WARM_LINES_AT_START", "0")


@pytest.fixture(scope="session")
def engines() -> Engines:
    """The real models (tiny.en, joe voice, Silero), shared by every test."""
    return load_engines()


@pytest.fixture(scope="session")
def manifest() -> dict[str, dict[str, Any]]:
    """Fixture utterances by id: text, voice and the words a transcript must contain."""
    data = yaml.safe_load((FIXTURES / "manifest.yaml").read_text())
    return {entry["id"]: entry for entry in data["utterances"]}


@pytest_asyncio.fixture(scope="session")
async def live_url(engines: Engines, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """ws:// URL of `/ws/call` on a running app (loopback, ephemeral port)."""
    from server.http.app import create_app
    from server.http.inprocess import serve_in_process
    from server.settings import Settings

    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), partial_interval_s=1.0,
                        auth_required=False)
    async with serve_in_process(create_app(settings, engines)) as base:
        yield base.replace("http://", "ws://") + "/ws/call"
