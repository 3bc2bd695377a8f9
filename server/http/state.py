"""The app's typed state (one per process) and the FastAPI dependencies that read it.

`create_app` puts an `AppState` in place of Starlette's untyped `app.state` bag, so every
reader gets a checked type instead of a `getattr`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Annotated, TypeVar

from fastapi import Depends
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import HTTPConnection

from dialog.scenario import Scenario, ScenarioCatalog
from server.call.admission import CallRegistry
from server.call.prefetch import LinePrefetcher
from server.http.throttle import SignInThrottle
from server.http.upload_ledger import UploadLedger
from server.settings import Settings
from server.storage import CallStore, StorageError
from server.storage.scenario_store import ScenarioStore
from voices.engines import Engines


_T = TypeVar("_T")
_LOGGER = logging.getLogger(__name__)


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
    stored_: ScenarioStore | None = None
    last_stored_: dict[str, Scenario] = field(default_factory=dict)
    uploads: UploadLedger = field(default_factory=UploadLedger)  # quota for uploads at once

    @property
    def stored(self) -> ScenarioStore:
        """Scenarios written in the browser (one store per app: it caches parsed versions)."""
        if self.stored_ is None:
            self.stored_ = ScenarioStore(self.store.engine)
        return self.stored_

    def playable(self) -> ScenarioCatalog:
        """Built-in and file scenarios, then stored ones at their current version (a stored
        scenario never hides a built-in or file one of the same id)."""
        try:
            self.last_stored_ = {i: s.scenario for i, s in self.stored.current().items()}
        except (SQLAlchemyError, StorageError):
            # the database is down: calls go on with the stored scenarios last seen
            _LOGGER.warning("stored scenarios unreadable; using the ones last read",
                            exc_info=True)
        return ScenarioCatalog({**self.last_stored_, **self.catalog.scenarios},
                               self.catalog.errors)

    def scenario_for(self, scenario_id: str) -> Scenario | None:
        """The playable scenario of this id, or None: what the store scores a call closed as
        interrupted with (CallStore.scenario_for; reads the database: call from a thread)."""
        return self.playable().scenarios.get(scenario_id)

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
    """The scenarios a call may start on: files loaded at start-up and stored ones now
    (reads the database: call from a thread)."""
    return app_state(connection).playable()


def get_settings(connection: HTTPConnection) -> Settings:
    """The settings the app was created with."""
    return app_state(connection).settings


def get_upload_ledger(connection: HTTPConnection) -> UploadLedger:
    """Uploads being stored now, per user (the quota counts them)."""
    return app_state(connection).uploads


def get_store(connection: HTTPConnection) -> CallStore:
    """The call store (database and recordings) started with the app."""
    return app_state(connection).store


# The dependencies as parameter types: `store: Store` in a route.
Store = Annotated[CallStore, Depends(get_store)]
Catalog = Annotated[ScenarioCatalog, Depends(get_catalog)]
