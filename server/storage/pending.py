"""A call's database writes, kept in order and retried while the database is unreachable.

A practice call must never be lost because PostgreSQL restarted or the SQLite file was
briefly locked. The recorder queues every write here (the call's row, event batches, the
final scorecard); they are applied strictly in order, because events and the scorecard
reference the call's row. A write refused for a passing reason (no connection, a lock, a
read-only file) stays at the head of the queue and is tried again later; one refused for
good (a constraint, a bad value) is logged and dropped, since retrying cannot help.

Each write is data (`InsertCall`, `AddEvents`, `FinishCall`), not a closure, so writes still
queued when the server stops can be saved beside the recording and applied at the next start.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter, ValidationError

from sqlalchemy.exc import DBAPIError, DisconnectionError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from scoring.turns import Turn
from server.storage.models import CallStatus
from server.storage.repository import CallRecord, CallRepository, StoredEvent

_LOGGER = logging.getLogger(__name__)


# PostgreSQL's SQLSTATEs for a connection that failed or a server that is going away or full:
# class 08 (connection exception), admin/crash shutdown, cannot connect now, too many clients.
_PASSING_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300")
# SQLite's nearest to a connection failure: the file is locked, busy, unopenable or its disk
# failed or filled; extended codes (SQLITE_BUSY_SNAPSHOT) share their primary code's prefix.
_PASSING_SQLITE = ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN", "SQLITE_READONLY",
                   "SQLITE_IOERR", "SQLITE_FULL", "SQLITE_PROTOCOL")


def is_transient(err: SQLAlchemyError) -> bool:
    """True only for connection-level failures (down, unreachable, locked), which go away by
    themselves; anything the database refused on its merits (docs/security.md) is for good."""
    if isinstance(err, DisconnectionError | PoolTimeoutError):
        return True
    if not isinstance(err, DBAPIError):
        return False
    if err.connection_invalidated or err.statement is None:  # lost, or never connected
        return True
    # both drivers raise OperationalError for a statement over their parameter limit, so the
    # exception's class says nothing; the code the database gave does
    sqlstate = getattr(err.orig, "sqlstate", None)
    if sqlstate:
        return str(sqlstate).startswith(_PASSING_SQLSTATES)
    sqlite_name = getattr(err.orig, "sqlite_errorname", None)
    return bool(sqlite_name) and str(sqlite_name).startswith(_PASSING_SQLITE)


@dataclass(frozen=True)
class InsertCall:
    """The call's row, written as the call starts."""

    record: CallRecord
    op: Literal["insert"] = "insert"
    server_id: str | None = None  # the lease this server takes on the call (issue 21)
    lease_until: datetime | None = None

    def apply(self, calls: CallRepository) -> None:
        lease = (self.server_id, self.lease_until) if self.server_id and self.lease_until \
            else None
        calls.insert(self.record, lease)

    def describe(self) -> str:
        return "insert"


@dataclass(frozen=True)
class AddEvents:
    """A batch of the call's protocol events."""

    call_id: str
    events: list[StoredEvent]
    op: Literal["events"] = "events"

    def apply(self, calls: CallRepository) -> None:
        calls.add_events(self.call_id, self.events)

    def describe(self) -> str:
        return f"{len(self.events)} events"


@dataclass(frozen=True)
class FinishCall:
    """The end of the call: status, duration, turns and scorecard."""

    call_id: str
    status: CallStatus
    ended_at: datetime
    duration: float
    scorecard: dict[str, Any] | None
    turns: list[Turn] = field(default_factory=list)
    op: Literal["finish"] = "finish"

    def apply(self, calls: CallRepository) -> None:
        calls.finish(self.call_id, status=self.status, ended_at=self.ended_at,
                     duration=self.duration, scorecard=self.scorecard, turns=self.turns)

    def describe(self) -> str:
        return "finish"


Write = Annotated[InsertCall | AddEvents | FinishCall, Field(discriminator="op")]
_SPOOL = TypeAdapter(list[Write])
SPOOL_SUFFIX = ".pending.json"


class SpoolError(Exception):
    """A saved queue of writes cannot be read back."""


def save_spool(path: Path, writes: list[Write]) -> None:
    """Write the queue to `path` atomically (a half-written file would lose it all)."""
    partial_path = path.with_name(path.name + ".part")
    partial_path.write_bytes(_SPOOL.dump_json(writes))
    partial_path.replace(path)


def load_spool(path: Path) -> list[Write]:
    """The writes saved in `path`."""
    try:
        return _SPOOL.validate_json(path.read_bytes())
    except (OSError, ValidationError) as err:
        raise SpoolError(f"{path.name}: {type(err).__name__}: {str(err).splitlines()[0]}") from err


class PendingWrites:
    """One call's ordered database writes; thread-safe, applied from worker threads."""

    def __init__(self, call_id: str, calls: CallRepository) -> None:
        self.call_id = call_id
        self._calls = calls
        self._queue: deque[Write] = deque()
        self._lock = threading.Lock()  # guards the queue
        self._applying = threading.Lock()  # one applier at a time, so the order holds
        self._down_since: float | None = None
        self.failures = 0  # transient failures seen, for tests and logs

    def add(self, write: Write) -> None:
        with self._lock:
            self._queue.append(write)

    def waiting(self) -> list[Write]:
        """The writes not yet applied, oldest first."""
        with self._lock:
            return list(self._queue)

    def __len__(self) -> int:
        with self._lock:
            return len(self._queue)

    @property
    def down_for(self) -> float:
        """Seconds since the head write first failed for a passing reason; 0 when none did."""
        down_since = self._down_since
        return 0.0 if down_since is None else time.monotonic() - down_since

    def apply(self) -> bool:
        """Apply queued writes in order (blocking; call from a thread); True once none is left."""
        with self._applying:
            while True:
                with self._lock:
                    if not self._queue:
                        return True
                    write = self._queue[0]
                try:
                    write.apply(self._calls)
                except SQLAlchemyError as err:
                    if is_transient(err):
                        self._note_down(write, err)
                        return False
                    # retrying a constraint or type error would fail the same way forever
                    _LOGGER.error("call %s: %s refused by the database, dropped: %s",
                                  self.call_id, write.describe(), type(err).__name__)
                with self._lock:
                    self._queue.popleft()
                self._note_up()

    def _note_down(self, write: Write, err: SQLAlchemyError) -> None:
        self.failures += 1
        if self._down_since is None:
            self._down_since = time.monotonic()
            # the error's text may carry SQL parameters; its type and first line suffice
            first_line = str(err.orig if isinstance(err, DBAPIError) else err).splitlines()
            _LOGGER.warning("call %s: database unavailable (%s: %s); %d write(s) queued, "
                            "starting with %s", self.call_id, type(err).__name__,
                            first_line[0] if first_line else "", len(self), write.describe())

    def _note_up(self) -> None:
        if self._down_since is not None:
            _LOGGER.warning("call %s: database back after %.1f s; queued writes applied",
                            self.call_id, time.monotonic() - self._down_since)
            self._down_since = None
