"""The app's typed state (one per process) and the FastAPI dependencies that read it.

`create_app` puts an `AppState` in place of Starlette's untyped `app.state` bag, so every
reader gets a checked type instead of a `getattr`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from starlette.requests import HTTPConnection

from dialog.scenario import ScenarioCatalog
from server.call.admission import CallRegistry
from server.call.prefetch import LinePrefetcher
from server.http.throttle import SignInThrottle
from server.settings import Settings
from server.storage import CallStore
from voices.engines import Engines


_T = TypeVar("_T")


class AppNotStartedError(RuntimeError):
    """The engines are read before the app's start-up loaded them."""


@dataclass
class AppState:
    """What the app holds for its whole life; engines and prefetcher arrive at start-up."""

    settings: Settings
    store: CallStore
    calls: CallRegistry
    catalog: ScenarioCatalog
    signin_throttle: SignInThrottle
    engines_: Engines | None = None
    prefetcher_: LinePrefetcher | None = None
    setup_code: str | None = None  # the one-time first-manager code, while no user exists

    @property
    def engines(self) -> Engines:
        """The speech engines loaded at start-up."""
        return _started(self.engines_, "the speech engines")

    @property
    def prefetcher(self) -> LinePrefetcher:
        """The voice warm-up started with the engines."""
        return _started(self.prefetcher_, "the voice warm-up")


def _started(value: _T | None, what: str) -> _T:
    if value is None:
        raise AppNotStartedError(f"{what} start with the app (its lifespan has not run)")
    return value


def app_state(connection: HTTPConnection) -> AppState:
    """The state `create_app` installed on the connection's app."""
    state: AppState = connection.app.state
    return state


def get_engines(connection: HTTPConnection) -> Engines:
    """The speech engines loaded at start-up."""
    return app_state(connection).engines


def get_catalog(connection: HTTPConnection) -> ScenarioCatalog:
    """The scenarios loaded at start-up."""
    return app_state(connection).catalog


def get_settings(connection: HTTPConnection) -> Settings:
    """The settings the app was created with."""
    return app_state(connection).settings


def get_store(connection: HTTPConnection) -> CallStore:
    """The call store (database and recordings) started with the app."""
    return app_state(connection).store
