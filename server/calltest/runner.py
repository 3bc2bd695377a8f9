"""Run call scripts through the real `/ws/call` protocol and judge them.

One `CallTester` serves many scripts: against a `--url`, or an in-process server whose models
load once (`call_tester()`). A script that cannot be read, a missing audio file or a refused
call is a failed result with its reason, never an exception, so one bad file does not stop
the others.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from websockets.exceptions import ConnectionClosed

from server.calltest.script import CallScript, CallScriptError, load_call_script
from server.calltest.client import CallClientError, ScriptOptions, run_scripted_call
from server.calltest.expectations import check_call, quote
from server.calltest.turn_audio import TurnAudioError, TurnRenderer
from voices.engines import Engines

EventHook = Callable[[dict[str, Any]], None]


class CallScriptFailed(AssertionError):
    """`ScriptResult.assert_passed()` on a failed script; the message lists every reason."""


@dataclass(frozen=True, eq=False)
class ScriptResult:
    """What one script produced and why it failed, if it did."""

    path: Path
    name: str
    scenario: str | None
    failures: tuple[str, ...]
    scorecard: dict[str, Any] | None = None
    events: tuple[dict[str, Any], ...] = ()
    duration_s: float = 0.0
    broken: bool = False  # the script could not run at all (bad file, refused call)

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def outcome(self) -> str | None:
        return None if self.scorecard is None else self.scorecard.get("outcome")

    def conversation(self) -> list[tuple[str, str]]:
        """(speaker, text) in the order heard, from the events."""
        lines = []
        for event in self.events:
            if event.get("type") == "prospect":
                lines.append(("prospect", str(event.get("text", ""))))
            elif event.get("type") == "transcript":
                lines.append(("rep", str(event.get("text", ""))))
        return lines

    def excerpt(self, lines: int = 4, width: int = 70) -> str:
        """The last `lines` of the conversation, each cut to `width` characters."""
        return "\n".join(f"{who}: {quote(text, width)[1:-1]}"
                         for who, text in self.conversation()[-lines:])

    def assert_passed(self) -> None:
        """Raise CallScriptFailed with the reasons and the conversation if the script failed."""
        if self.passed:
            return
        reasons = "\n".join(f"  - {f}" for f in self.failures)
        talk = "\n".join(f"  {who}: {text}" for who, text in self.conversation())
        raise CallScriptFailed(f"call script {self.path} failed:\n{reasons}\n"
                               f"conversation:\n{talk or '  (none)'}")


@dataclass(frozen=True)
class RunOptions:
    """How scripts are played."""

    fast: bool = True
    # the same script gives the same call on an idle or a busy machine (docs/protocol.md)
    deterministic: bool = True
    token: str | None = None
    reply_timeout_s: float = 60.0
    extra_start: dict[str, Any] = field(default_factory=dict)


def ws_call_url(url: str) -> str:
    """Accept ws://host:port/ws/call, ws://host:port or http(s)://host:port."""
    parts = urlsplit(url)
    scheme = {"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme)
    path = parts.path if parts.path not in ("", "/") else "/ws/call"
    return urlunsplit((scheme, parts.netloc, path, parts.query, ""))


class CallTester:
    """Plays call scripts against one server."""

    def __init__(self, url: str, options: RunOptions | None = None,
                 renderer: TurnRenderer | None = None) -> None:
        self.url = ws_call_url(url)
        self.options = options or RunOptions()
        self.renderer = renderer or TurnRenderer()

    async def run(self, script: CallScript | Path | str,
                  on_event: EventHook | None = None) -> ScriptResult:
        """Play one script and check its expectations."""
        started = time.monotonic()
        path = script.path if isinstance(script, CallScript) else Path(script)
        try:
            if not isinstance(script, CallScript):
                script = await asyncio.to_thread(load_call_script, path)
            # piper is blocking; a thread keeps an in-process server in this loop answering
            audio = await asyncio.to_thread(self.renderer.script_audio, script)
        except (CallScriptError, TurnAudioError) as err:
            return ScriptResult(path=path, name=path.stem, scenario=None,
                                failures=(str(err),), broken=True,
                                duration_s=time.monotonic() - started)
        start = dict(self.options.extra_start)
        if self.options.token:
            start["token"] = self.options.token
        options = ScriptOptions(scenario=script.scenario, difficulty=script.difficulty,
                                seed=script.seed, fast=self.options.fast,
                                deterministic=self.options.deterministic,
                                reply_timeout_s=self.options.reply_timeout_s, extra_start=start)
        events: list[dict[str, Any]] = []

        def record(event: dict[str, Any]) -> None:
            events.append(event)
            if on_event is not None:
                on_event(event)

        try:
            await run_scripted_call(self.url, audio, options, record)
        except ConnectionClosed:
            # the server may close right after the scorecard while the client still streams
            # silence; what was received is complete then
            if not any(e["type"] == "scorecard" for e in events):
                return self._broken(script, "the server closed the call before its scorecard",
                                    events, started)
        except (CallClientError, OSError, TimeoutError) as err:
            return self._broken(script, f"the call did not run: {err or type(err).__name__}",
                                events, started)
        scorecard = next((e for e in reversed(events) if e["type"] == "scorecard"), None)
        return ScriptResult(path=path, name=script.name, scenario=script.scenario,
                            failures=check_call(script.expect, scorecard, events),
                            scorecard=scorecard, events=tuple(events),
                            duration_s=time.monotonic() - started)

    @staticmethod
    def _broken(script: CallScript, reason: str, events: list[dict[str, Any]],
                started: float) -> ScriptResult:
        return ScriptResult(path=script.path, name=script.name, scenario=script.scenario,
                            failures=(reason,), events=tuple(events), broken=True,
                            duration_s=time.monotonic() - started)


def local_settings(data_dir: Path, scenario_dir: Path | None = None, *,
                   partials: bool = True) -> Any:
    """Settings for a private in-process server: no sign-in, throwaway storage.

    `partials=False` skips the live partial transcripts: they only feed the browser's
    captions, and on a small CI runner they compete with the transcripts that count.
    """
    from server.settings import Settings

    # a server for a few scripted calls: making every scenario's lines ahead would be wasted
    overrides: dict[str, Any] = {"auth_required": False, "data_dir": data_dir,
                                 "warm_lines_at_start": False}
    if not partials:
        overrides["partial_interval_s"] = 0.0
    if scenario_dir is not None:
        overrides["scenario_dir"] = scenario_dir
    return Settings(**overrides)


@asynccontextmanager
async def call_tester(
    url: str | None = None,
    options: RunOptions | None = None,
    *,
    cache_dir: Path | None = None,
    scenario_dir: Path | None = None,
    engines: Engines | None = None,
) -> AsyncIterator[CallTester]:
    """A tester for `url`, or for an in-process server started here (models load once)."""
    renderer = TurnRenderer(cache_dir)
    if url is not None:
        yield CallTester(url, options, renderer)
        return
    from server.http.app import create_app
    from server.http.inprocess import serve_in_process

    with tempfile.TemporaryDirectory(prefix="walkaway-test-") as tmp:
        fast = options is None or options.fast
        app = create_app(local_settings(Path(tmp), scenario_dir, partials=not fast), engines)
        async with serve_in_process(app) as base:
            yield CallTester(base, options, renderer)
