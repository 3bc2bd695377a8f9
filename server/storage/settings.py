"""What storage is tuned by: a frozen projection of `server.settings.Settings`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class StorageSettings:
    """Where calls, users and recordings are kept."""

    data_dir: Path = Path("data")
    """Directory of the recordings (and of the default SQLite file)."""
    database_url: str | None = None
    """SQLAlchemy URL; None: a SQLite file under `data_dir`."""
    close_wait_s: float = 15.0
    """At shutdown, how long queued writes are retried while the database is unreachable."""
    max_error_events: int = 50
    """`error` events stored per call; the rest are counted (docs/security.md)."""
    max_event_rows: int = 10_000
    """Event rows stored per call (the scorecard always); the rest are counted."""
    retry_for_s: float = 300.0
    """How long a finished call's writes are retried while the database is unreachable before
    they are saved beside its recording (applied when the database is back or at next start)."""
