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

from server.call.admission import CallRegistry
from server.call.catalog import load_catalog, scenario_summary
from server.call.prefetch import LinePrefetcher
from server.http import api, pages, redact, replay_audio
from server.http.auth import optional_user, prepare_setup
from server.http.crossorigin import CrossOriginGuard
from server.http.security_headers import SecurityHeaders
from server.http.socket import call_socket
from server.http.state import AppState, Catalog
from server.http.throttle import SignInThrottle
from server.settings import Settings
from server.storage import CallStore, User
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
            state.engines_ = await asyncio.to_thread(load_engines, options)
        else:
            state.engines_ = engines
        # the voice warm-up waits while a call is live: made beside calls it slowed them
        state.prefetcher_ = LinePrefetcher(state.engines.tts, busy=lambda: len(state.calls) > 0)
        # the scorecard's accurate decoders load before the first call (1-2 s): loading them
        # beside a call slowed its turns enough to drop the prospect's murmurs
        if state.engines.accurate is not None:
            await state.engines.accurate.warm()
        await state.store.start()
        await asyncio.to_thread(prepare_setup, state)
        if settings.warm_lines_at_start:
            state.prefetcher.request_all(state.catalog.scenarios.values())
        try:
            yield
        finally:
            await state.prefetcher.close()
            await state.store.close()

    # no /docs or /redoc: FastAPI's pages load Swagger UI and ReDoc from a CDN, unpinned, with
    # an inline script the CSP refuses; /openapi.json stays for any local viewer
    app = FastAPI(title="walkaway", version="0.1.0", lifespan=lifespan, docs_url=None,
                  redoc_url=None)
    state = AppState(
        settings=settings,
        store=CallStore(settings.storage()),
        calls=CallRegistry(settings.max_calls, settings.max_calls_per_user),
        catalog=load_catalog(settings.scenario_dir),
        signin_throttle=SignInThrottle(settings.signin_window_s,
                                       pair_free=settings.signin_failures_per_name),
    )
    app.state = state  # typed, in place of Starlette's attribute bag (server/http/state.py)
    # storage may not import the catalog: it is handed the lookup for the calls it closes
    # as interrupted (server/storage/salvage.py)
    state.store.scenario_for = state.scenario_for
    for error in state.catalog.errors:
        _LOGGER.error("scenario not loaded: %s", error)

    app.add_middleware(CrossOriginGuard)
    app.add_middleware(SecurityHeaders)  # added last: outermost, so on the guard's 403 too
    app.add_api_websocket_route("/ws/call", call_socket)
    app.include_router(api.router)
    app.include_router(replay_audio.router)  # the recording, from the store
    app.include_router(pages.router)

    @app.get("/api/scenarios")
    def list_scenarios(catalog: Catalog,
                       user: Annotated[User | None, Depends(optional_user)]) -> Any:
        """Every playable scenario with its brief and difficulties; the team's own (written
        in the browser) only to someone signed in, where calls need sign-in."""
        if user is None and settings.auth_required:
            catalog = state.catalog
        return [scenario_summary(s) for s in catalog]

    @app.get("/api/access")
    def access() -> JSONResponse:
        """Whether a call needs a signed-in rep, so the page can say so before the microphone."""
        return JSONResponse({"sign_in_required": settings.auth_required})

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
