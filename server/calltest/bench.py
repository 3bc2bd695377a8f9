"""`walkaway bench`: concurrent scripted calls in real time, measured at the client.

The server runs as its own process (unless `--url`) so its CPU time and memory are read
from /proc without the clients' share. Figures: voice-to-voice latency (the rep's last voiced
frame sent -> the first audio frame of the prospect's answer; the murmur it may make into the
pause first is reported apart, as first sound), the first call's answer apart from the later
ones, server speech-to-text and text-to-speech time per turn, scorecard delay after hang-up, CPU
and memory.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import websockets

from server.calltest.client import CallClientError, CallResult, ScriptOptions, run_scripted_call

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_PAGE = os.sysconf("SC_PAGE_SIZE")


class BenchError(Exception):
    """The bench could not start or reach the server."""


@dataclass(frozen=True)
class BenchPlan:
    """What to run: `calls` concurrent calls, each saying `turns` in real time (or fast)."""

    calls: int
    turns: Sequence[np.ndarray]
    scenario: str = "price-pressure"
    fast: bool = False
    stagger_s: float = 2.0  # calls start spread over this long, as real calls would
    rounds: int = 1  # each concurrent caller makes this many calls, one after another
    token: str | None = None


@dataclass
class Percentiles:
    """p50/p95/max of a list of seconds (or milliseconds), empty-safe."""

    count: int = 0
    p50: float | None = None
    p95: float | None = None
    max: float | None = None

    @classmethod
    def of(cls, values: Sequence[float]) -> Percentiles:
        if not values:
            return cls()
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
        return cls(len(ordered), round(statistics.median(ordered), 3), round(p95, 3),
                   round(ordered[-1], 3))


@dataclass
class ProcessSample:
    """CPU seconds and resident memory of the server process, sampled during the run."""

    cpu_percent: float = 0.0  # of one core, averaged over the run
    rss_idle_mb: float = 0.0
    rss_peak_mb: float = 0.0
    per_call_mb: float = 0.0


@dataclass
class BenchReport:
    """Everything `walkaway bench` prints."""

    concurrent: int
    calls: int
    turns_per_call: int
    completed_calls: int
    voice_to_voice_s: Percentiles  # to the prospect's first audio: a murmur, or the answer
    answer_s: Percentiles  # to the first audio of the answer line itself
    # the call that started first (with --no-warmup: the first after the server started) and
    # the others: "the first call is as fast as the hundredth"
    first_call_answer_s: Percentiles
    later_calls_answer_s: Percentiles
    murmurs: int  # "mm"s the prospect made into the rep's pauses
    stt_ms: Percentiles
    tts_first_audio_ms: Percentiles
    scorecard_after_hangup_s: Percentiles
    max_send_lag_s: float
    process: ProcessSample | None = None
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def free_port() -> int:
    """A loopback port nobody is listening on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server_process(port: int, *, log: Path | None = None, cwd: Path | None = None,
                   timeout: float = 90,
                   max_calls: int | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """`walkaway serve` on loopback in its own process, with throw-away storage, no login.

    `log`: a file that takes the server's stderr (its log), else a pipe read only if it fails
    to start; `cwd`: where it runs; `timeout`: seconds to wait for /healthz; `max_calls`: the
    calls it admits (a bench past the machine's capacity must not be refused busy).
    """
    with tempfile.TemporaryDirectory(prefix="walkaway-bench-") as data, \
            (log.open("wb") if log else nullcontext(subprocess.PIPE)) as stderr:
        env = {**os.environ, "WALKAWAY_PORT": str(port), "WALKAWAY_HOST": "127.0.0.1",
               "WALKAWAY_DATA_DIR": data, "WALKAWAY_AUTH_REQUIRED": "false",
               "MALLOC_ARENA_MAX": os.environ.get("MALLOC_ARENA_MAX", "2")}  # as `make run`
        env.pop("WALKAWAY_DATABASE_URL", None)  # a throw-away SQLite file, never a real database
        if max_calls is not None:
            env["WALKAWAY_MAX_CALLS"] = str(max_calls)
        cmd = [sys.executable, "-m", "server.cli.main", "serve"]
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            _wait_healthy(port, proc, log, timeout)
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def _wait_healthy(port: int, proc: subprocess.Popen[bytes], log: Path | None,
                  timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            if log is not None:
                err = log.read_text(errors="replace")
            else:
                err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise BenchError(f"the server exited with {proc.returncode}: {err[-800:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise BenchError(f"the server on port {port} did not become healthy in {timeout:.0f}s")


class _ProcWatch:
    """Samples /proc/<pid> for CPU time and resident memory."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_rss = 0

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS

    def rss(self) -> int:
        pages = int(Path(f"/proc/{self.pid}/statm").read_text().split()[1])
        return pages * _PAGE

    async def watch(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.peak_rss = max(self.peak_rss, self.rss())
            try:
                await asyncio.wait_for(stop.wait(), 0.2)
            except TimeoutError:
                pass


async def _one_caller(url: str, plan: BenchPlan, delay: float,
                      results: list[tuple[float, CallResult]], errors: list[str],
                      done: Callable[[], None]) -> None:
    await asyncio.sleep(delay)
    extra = {"token": plan.token} if plan.token else {}
    for round_ in range(plan.rounds):
        options = ScriptOptions(plan.scenario, fast=plan.fast, seed=round_, extra_start=extra)
        started = time.monotonic()
        try:
            results.append((started, await run_scripted_call(url, plan.turns, options)))
        except (OSError, TimeoutError, CallClientError, websockets.WebSocketException) as err:
            errors.append(f"caller starting at +{delay:.1f}s, round {round_ + 1}: {err}")
        done()


async def run_bench(url: str, plan: BenchPlan, pid: int | None,
                    progress: Callable[[], None] = lambda: None) -> BenchReport:
    """Run the plan's calls concurrently against `url` and measure them."""
    watch = _ProcWatch(pid) if pid is not None else None
    idle_rss = watch.rss() if watch else 0
    cpu_before = watch.cpu_seconds() if watch else 0.0
    stop = asyncio.Event()
    watcher = asyncio.create_task(watch.watch(stop)) if watch else None
    timed: list[tuple[float, CallResult]] = []
    errors: list[str] = []
    started = time.monotonic()
    step = plan.stagger_s / plan.calls if plan.calls > 1 else 0.0
    await asyncio.gather(*(
        _one_caller(url, plan, i * step, timed, errors, progress) for i in range(plan.calls)
    ))
    results = [result for _, result in sorted(timed, key=lambda pair: pair[0])]
    wall = time.monotonic() - started
    stop.set()
    if watcher is not None:
        await watcher
    process = None
    if watch is not None:
        cpu = watch.cpu_seconds() - cpu_before
        peak = max(watch.peak_rss, idle_rss)
        process = ProcessSample(
            cpu_percent=round(100 * cpu / wall, 1),
            rss_idle_mb=round(idle_rss / 2**20, 1),
            rss_peak_mb=round(peak / 2**20, 1),
            per_call_mb=round((peak - idle_rss) / 2**20 / plan.calls, 1),
        )
    return _report(plan, results, errors, process)


def _report(plan: BenchPlan, results: list[CallResult], errors: list[str],
            process: ProcessSample | None) -> BenchReport:
    """`results` in the order the calls started."""
    v2v = [x for r in results for x in r.timing.voice_to_voice()]
    stt = [e["stt_ms"] for r in results for e in r.of_type("transcript") if e.get("stt_ms")]
    tts = [e["tts_ms"] for r in results for e in r.of_type("prospect_audio_end")
           if e.get("tts_ms") is not None]
    card = [r.timing.scorecard_received - r.timing.end_sent for r in results
            if r.timing.end_sent is not None and r.timing.scorecard_received is not None]
    return BenchReport(
        concurrent=plan.calls,
        calls=plan.calls * plan.rounds,
        turns_per_call=len(plan.turns),
        completed_calls=sum(r.scorecard is not None for r in results),
        voice_to_voice_s=Percentiles.of(v2v),
        answer_s=Percentiles.of([x for r in results for x in r.timing.answer_latency()]),
        first_call_answer_s=Percentiles.of(
            [x for r in results[:1] for x in r.timing.answer_latency()]),
        later_calls_answer_s=Percentiles.of(
            [x for r in results[1:] for x in r.timing.answer_latency()]),
        murmurs=sum(len(r.timing.murmurs) for r in results),
        stt_ms=Percentiles.of(stt),
        tts_first_audio_ms=Percentiles.of(tts),
        scorecard_after_hangup_s=Percentiles.of(card),
        max_send_lag_s=round(max((r.timing.max_send_lag for r in results), default=0.0), 3),
        process=process,
        errors=errors,
    )
