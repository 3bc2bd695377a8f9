"""Run the app on a loopback port inside the current event loop (CLI and tests)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI


@asynccontextmanager
async def serve_in_process(app: FastAPI, host: str = "127.0.0.1") -> AsyncIterator[str]:
    """Serve `app` on a free port of `host`; yields the base URL (http://host:port)."""
    config = uvicorn.Config(app, host=host, port=0, log_level="warning", lifespan="on",
                            ws_max_size=4 * 1024 * 1024)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        for _ in range(600):  # up to 60 s for the models to load
            if server.started or task.done():
                break
            await asyncio.sleep(0.1)
        if not server.started:
            if task.done():
                task.result()
            raise RuntimeError("the in-process server did not start")
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 30)
