"""Soak: many short calls, several at once, leave memory, tasks and file handles flat.

`make test` runs a short form (12 calls, 4 at a time); `WALKAWAY_SOAK_CALLS=200` runs long.
"""

from __future__ import annotations

import asyncio
import gc
import os
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from server.http.app import create_app
from server.calltest.client import ScriptOptions, run_scripted_call
from server.http.inprocess import serve_in_process
from server.settings import Settings
from server.storage import CallFilter, CallStatus, CallStore
from tests.support.helpers import FIXTURES
from voices.audio import read_audio
from voices.engines import Engines

CALLS = int(os.environ.get("WALKAWAY_SOAK_CALLS", "12"))
PARALLEL = int(os.environ.get("WALKAWAY_SOAK_PARALLEL", "4"))
WARM_UP = 4  # first calls fill caches (voice lines, model buffers) that then stay
BLOCK = max(PARALLEL, CALLS // 10)  # calls between two memory readings
# tracemalloc keeps a record per live allocation, which itself grows resident memory; the long
# form reads Python's allocated block count instead and leaves the RSS curve undisturbed.
TRACE = CALLS <= 20


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _fds() -> int:
    """Open file handles, less the SQLite pool's: its connections (3 files each in WAL mode)
    grow with the busiest moment so far up to the pool's bound, which is not a leak."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue  # closed while we looked
        if not target.endswith((".db", ".db-wal", ".db-shm", ".sqlite3", ".sqlite3-wal",
                                ".sqlite3-shm")):
            count += 1
    return count


def _blocks() -> int:
    """Memory blocks Python's allocator has handed out and not had back."""
    gc.collect()
    return sys.getallocatedblocks()


async def _quiet(app_calls: object, store: CallStore, expected: int) -> None:
    """All calls ended, stored and their handlers gone."""
    async with asyncio.timeout(120):
        while True:
            found, total = await asyncio.to_thread(store.calls.search, CallFilter(limit=1))
            live = (await asyncio.to_thread(store.calls.search,
                                            CallFilter(status=CallStatus.LIVE)))[1]
            if total >= expected and not live and len(app_calls) == 0:  # type: ignore[arg-type]
                break
            await asyncio.sleep(0.1)
    await asyncio.sleep(0.5)  # connection tasks wind down after the last frame
    gc.collect()


@pytest.mark.soak
async def test_calls_leave_memory_tasks_and_file_handles_flat(
    engines: Engines, tmp_path: Path
) -> None:
    turns = [read_audio(FIXTURES / "price_hold_piper.wav")]
    options = ScriptOptions("price-pressure", fast=True, trailing_silence_s=1.0)
    settings = Settings(data_dir=tmp_path, auth_required=False, partial_interval_s=0)
    app = create_app(settings, engines)
    store: CallStore = app.state.store
    gate = asyncio.Semaphore(PARALLEL)
    done = 0

    async def one(url: str) -> None:
        nonlocal done
        async with gate:
            result = await run_scripted_call(url, turns, options)
        assert result.scorecard is not None
        done += 1

    async with serve_in_process(app) as base:
        url = base.replace("http://", "ws://") + "/ws/call"
        await asyncio.gather(*(one(url) for _ in range(WARM_UP)))
        await _quiet(app.state.calls, store, WARM_UP)
        tasks0, fds0, rss0, blocks0 = len(asyncio.all_tasks()), _fds(), _rss_mb(), _blocks()
        if TRACE:
            tracemalloc.start(10)
            snap0 = tracemalloc.take_snapshot()
        started = time.monotonic()
        curve: list[tuple[int, float, int]] = []
        for first in range(0, CALLS, BLOCK):
            count = min(BLOCK, CALLS - first)
            await asyncio.gather(*(one(url) for _ in range(count)))
            await _quiet(app.state.calls, store, WARM_UP + first + count)
            curve.append((first + count, _rss_mb(), _blocks()))
        elapsed = time.monotonic() - started
        if TRACE:
            snap1 = tracemalloc.take_snapshot()
            tracemalloc.stop()
        tasks1, fds1, rss1, blocks1 = len(asyncio.all_tasks()), _fds(), _rss_mb(), _blocks()
        stored, total = store.calls.search(CallFilter(status=CallStatus.COMPLETE, limit=200))

    print(f"\nsoak: {CALLS} calls, {PARALLEL} at a time, {elapsed:.1f} s; "
          f"RSS {rss0:.1f} -> {rss1:.1f} MB ({rss1 - rss0:+.1f}); "
          f"python blocks {blocks0} -> {blocks1} ({blocks1 - blocks0:+d}); "
          f"tasks {tasks0} -> {tasks1}; fds {fds0} -> {fds1}; stored complete {total}")
    print("  calls  RSS MB  python blocks")
    for calls, rss, blocks in curve:
        print(f"  {calls:5d}  {rss:6.1f}  {blocks:9d}")
    half = len(curve) // 2
    if half >= 2:  # growth per call over each half: a leak grows as fast late as early
        first_half = (curve[half - 1][1] - rss0) / curve[half - 1][0]
        second_half = (curve[-1][1] - curve[half - 1][1]) / (curve[-1][0] - curve[half - 1][0])
        print(f"  RSS per call: first half {first_half * 1024:+.0f} kB, "
              f"second half {second_half * 1024:+.0f} kB")
    assert done == WARM_UP + CALLS and total == WARM_UP + CALLS  # data lost: none
    assert tasks1 <= tasks0, "asyncio tasks leaked"
    assert fds1 <= fds0 + 2, "file handles leaked"
    # Python objects: a leak of even one small object a call shows as blocks that keep coming
    assert blocks1 - blocks0 < 20_000 + 200 * CALLS
    if TRACE:
        growth = snap1.compare_to(snap0, "filename")
        traced_kb = sum(s.size_diff for s in growth) / 1024
        print(f"  python heap {traced_kb:+.0f} kB; largest growth:")
        for stat in growth[:5]:
            print(f"  {stat.size_diff / 1024:+8.1f} kB  {stat.traceback}")
        # flat: a leak of even 100 kB a call would show; allow for allocator noise
        assert traced_kb < 40 * 1024 + 100 * CALLS
    assert rss1 - rss0 < 150 + 0.5 * CALLS
