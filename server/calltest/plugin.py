"""pytest plugin (entry point `walkaway`): call scripts in a team's own pytest-asyncio tests.

    async def test_price_hold(walkaway_call):
        result = await walkaway_call("scripts/price_hold.yaml")
        result.assert_passed()

One in-process server serves the whole session (models load once, in a background thread so
any event-loop scope works), or `--walkaway-url` / `WALKAWAY_URL` points at a running one.
Heavy imports wait until a test asks for the fixture, so the plugin costs nothing otherwise.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from server.calltest.runner import CallTester, ScriptResult

WalkawayCall = Callable[[str | Path], Awaitable["ScriptResult"]]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("walkaway", "walkaway call scripts")
    group.addoption("--walkaway-url", default=None,
                    help="ws://host:port/ws/call of a running server (default: WALKAWAY_URL, "
                         "else an in-process server)")
    group.addoption("--walkaway-token", default=None,
                    help="API token for --walkaway-url (default: WALKAWAY_TOKEN)")
    group.addoption("--walkaway-real-time", action="store_true",
                    help="stream rep audio in real time instead of as fast as possible")
    group.addoption("--walkaway-cache-dir", default=None, type=Path,
                    help="where rendered text turns are cached")
    group.addoption("--walkaway-scenario-dir", default=None, type=Path,
                    help="extra scenario files for the in-process server")


@pytest.fixture(scope="session")
def walkaway_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """The server the scripts call: the given URL, or one started for this session."""
    url = request.config.getoption("walkaway_url") or os.environ.get("WALKAWAY_URL")
    if url:
        yield url
        return
    from server.http.app import create_app
    from server.calltest.runner import local_settings
    from server.http.threaded import serve_in_thread

    scenario_dir = request.config.getoption("walkaway_scenario_dir")
    with tempfile.TemporaryDirectory(prefix="walkaway-pytest-") as tmp:
        real_time = request.config.getoption("walkaway_real_time")
        app = create_app(local_settings(Path(tmp), scenario_dir, partials=real_time))
        with serve_in_thread(app) as base:
            yield base


@pytest.fixture(scope="session")
def walkaway_tester(walkaway_url: str, request: pytest.FixtureRequest) -> CallTester:
    """One tester (and one text-to-speech cache) for the session."""
    from server.calltest.runner import CallTester, RunOptions
    from server.calltest.turn_audio import TurnRenderer

    config = request.config
    token = config.getoption("walkaway_token") or os.environ.get("WALKAWAY_TOKEN")
    options = RunOptions(fast=not config.getoption("walkaway_real_time"), token=token)
    return CallTester(walkaway_url, options, TurnRenderer(config.getoption("walkaway_cache_dir")))


def _resolve(script: str | Path, request: pytest.FixtureRequest) -> Path:
    """A relative path is tried from the working directory, the test's folder, the rootdir."""
    path = Path(script)
    if path.is_absolute():
        return path
    for base in (Path.cwd(), request.path.parent, request.config.rootpath):
        if (base / path).is_file():
            return base / path
    return path  # the runner reports it as not found, with this name


@pytest.fixture
def walkaway_call(walkaway_tester: CallTester, request: pytest.FixtureRequest) -> WalkawayCall:
    """`await walkaway_call("scripts/x.yaml")` plays the script and returns its ScriptResult."""

    async def call(script: str | Path) -> ScriptResult:
        return await walkaway_tester.run(_resolve(script, request))

    return call
