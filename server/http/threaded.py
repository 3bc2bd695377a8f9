"""Run the app in a background thread with its own event loop.

The pytest plugin uses this: a team's tests may run each test in its own event loop, and a
server living in one test's loop would stop answering in the next. A thread keeps it serving
for the whole session, whatever the loop scope.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import FastAPI

from server.http.inprocess import serve_in_process


class ServerThreadError(RuntimeError):
    """The background server did not start."""


@contextmanager
def serve_in_thread(app: FastAPI, start_timeout_s: float = 180.0) -> Iterator[str]:
    """Serve `app` on a loopback port from a daemon thread; yields the base URL."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    stop = asyncio.Event()
    box: dict[str, object] = {}

    async def main() -> None:
        async with serve_in_process(app) as base:
            box["url"] = base
            ready.set()
            await stop.wait()

    def target() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(main())
        except Exception as err:  # reported to the caller's thread below
            box["error"] = err
        finally:
            ready.set()
            loop.close()

    thread = threading.Thread(target=target, name="walkaway-server", daemon=True)
    thread.start()
    if not ready.wait(start_timeout_s) or "url" not in box:
        error = box.get("error")
        raise ServerThreadError(f"the walkaway server did not start: {error or 'timed out'}")
    try:
        yield str(box["url"])
    finally:
        if not loop.is_closed():
            loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=40)
