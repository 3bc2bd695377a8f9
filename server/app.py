"""The app factory: `create_app(settings, engines)`; nothing is built at import."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from dialog.scenario import ScenarioCatalog
from server.catalog import load_catalog, scenario_summary
from server.crossorigin import CrossOriginGuard
from server import api, pages, redact
from server.auth import prepare_setup
from server.deps import get_catalog
from server.limits import CallRegistry
from server.prefetch import LinePrefetcher
from server.settings import Settings
from server.storage import CallStore
from server.throttle import SignInThrottle
from server.ws import call_socket
from voices.engines import Engines, load_engines
from voices.stt.whisper import WhisperOptions

_LOGGER = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, engines: Engines | None = None) -> FastAPI:
    """Build the app; engines load at start-up unless given (tests share one set)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        redact.install()  # here, after uvicorn has configured its loggers
        if engines is None:
            options = WhisperOptions(model=settings.stt_model, cpu_threads=settings.stt_threads,
                                     num_workers=settings.stt_workers)
            app.state.engines = await asyncio.to_thread(load_engines, options)
        else:
            app.state.engines = engines
        app.state.prefetcher = LinePrefetcher(app.state.engines.tts)
        await store.start()
        await asyncio.to_thread(prepare_setup, app.state, settings, store)
        try:
            yield
        finally:
            await app.state.prefetcher.close()
            await store.close()

    app = FastAPI(title="walkaway", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    app.state.calls = CallRegistry(settings.max_calls, settings.max_calls_per_user)
    app.state.store = store = CallStore(settings)
    app.state.setup_code = None
    app.state.signin_throttle = SignInThrottle(settings.signin_window_s)
    app.state.catalog = load_catalog(settings.scenario_dir)
    for error in app.state.catalog.errors:
        _LOGGER.error("scenario not loaded: %s", error)

    app.add_middleware(CrossOriginGuard)
    app.add_api_websocket_route("/ws/call", call_socket)
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.get("/api/scenarios")
    def list_scenarios(catalog: Annotated[ScenarioCatalog, Depends(get_catalog)]) -> Any:
        """Every playable scenario with its brief and difficulties."""
        return [scenario_summary(s) for s in catalog]

    @app.get("/healthz")
    def health() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    web_dir = settings.web_dir
    if web_dir.is_dir():
        @app.get("/", include_in_schema=False)
        def index() -> FileResponse:
            return FileResponse(web_dir / "index.html")

        app.mount("/static", StaticFiles(directory=web_dir), name="static")
    return app
