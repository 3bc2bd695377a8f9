"""The engine and the schema: SQLite under data_dir by default, any SQLAlchemy URL otherwise.

The engine is synchronous on purpose: Alembic, the `walkaway users` CLI and the sync REST
handlers share it, both drivers (sqlite3, psycopg) work with it without extra packages, and
async code reaches it through `asyncio.to_thread`, where each call is one short transaction.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from alembic import command
import numpy as np
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from server.storage.settings import StorageSettings

_LOGGER = logging.getLogger(__name__)
_MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_FILE = "walkaway.db"


def database_url(settings: StorageSettings) -> str:
    """The configured URL, or the default SQLite file under data_dir."""
    if settings.database_url:
        return settings.database_url
    return f"sqlite:///{(settings.data_dir / SQLITE_FILE).resolve()}"


def _json_default(value: object) -> object:
    # scorecards may carry numpy scalars (np.bool_, np.float32) from the scoring code
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _dumps(value: object) -> str:
    return json.dumps(value, default=_json_default)


def make_engine(settings: StorageSettings) -> Engine:
    """An engine for the settings; creates data_dir for the SQLite default."""
    url = make_url(database_url(settings))
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, json_serializer=_dumps)
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                           json_serializer=_dumps)
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the replay pages read while a call's recorder writes; FKs are off by default
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (`alembic upgrade head`), no alembic.ini."""
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    _LOGGER.info("database schema is current (%s)", engine.url.render_as_string())
