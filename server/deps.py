"""FastAPI dependencies: the process's engines, scenarios and settings, overridable in tests."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from dialog.scenario import ScenarioCatalog
from server.settings import Settings
from server.storage import CallStore
from voices.engines import Engines


def get_engines(connection: HTTPConnection) -> Engines:
    """The speech engines loaded at start-up."""
    engines: Engines = connection.app.state.engines
    return engines


def get_catalog(connection: HTTPConnection) -> ScenarioCatalog:
    """The scenarios loaded at start-up."""
    catalog: ScenarioCatalog = connection.app.state.catalog
    return catalog


def get_settings(connection: HTTPConnection) -> Settings:
    """The settings the app was created with."""
    settings: Settings = connection.app.state.settings
    return settings


def get_store(connection: HTTPConnection) -> CallStore:
    """The call store (database and recordings) started with the app."""
    store: CallStore = connection.app.state.store
    return store
