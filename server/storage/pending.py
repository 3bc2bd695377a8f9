"""A call's database writes, kept in order and retried while the database is unreachable.

A practice call must never be lost because PostgreSQL restarted or the SQLite file was
briefly locked. The recorder queues every write here (the call's row, event batches, the
final scorecard); they are applied strictly in order, because events and the scorecard
reference the call's row. A write refused for a passing reason (no connection, a lock, a
read-only file) stays at the head of the queue and is tried again later; one refused for
good (a constraint, a bad value) is logged and dropped, since retrying cannot help.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

_LOGGER = logging.getLogger(__name__)


def is_transient(err: SQLAlchemyError) -> bool:
    """True for failures that go away by themselves: the database is down, locked or far."""
    if isinstance(err, OperationalError | InterfaceError | DisconnectionError | PoolTimeoutError):
        return True
    return isinstance(err, DBAPIError) and err.connection_invalidated


@dataclass(frozen=True)
class _Write:
    what: str  # for the logs: "insert", "12 events", "finish"
    run: Callable[[], None]


class PendingWrites:
    """One call's ordered database writes; thread-safe, applied from worker threads."""

    def __init__(self, call_id: str) -> None:
        self.call_id = call_id
        self._queue: deque[_Write] = deque()
        self._lock = threading.Lock()  # guards the queue
        self._applying = threading.Lock()  # one applier at a time, so the order holds
        self._down_since: float | None = None
        self.failures = 0  # transient failures seen, for tests and logs

    def add(self, what: str, run: Callable[[], None]) -> None:
        with self._lock:
            self._queue.append(_Write(what, run))

    def __len__(self) -> int:
        with self._lock:
            return len(self._queue)

    def apply(self) -> bool:
        """Apply queued writes in order (blocking; call from a thread); True once none is left."""
        with self._applying:
            while True:
                with self._lock:
                    if not self._queue:
                        return True
                    write = self._queue[0]
                try:
                    write.run()
                except SQLAlchemyError as err:
                    if is_transient(err):
                        self._note_down(write, err)
                        return False
                    # retrying a constraint or type error would fail the same way forever
                    _LOGGER.error("call %s: %s refused by the database, dropped: %s",
                                  self.call_id, write.what, type(err).__name__)
                with self._lock:
                    self._queue.popleft()
                self._note_up()

    def _note_down(self, write: _Write, err: SQLAlchemyError) -> None:
        self.failures += 1
        if self._down_since is None:
            self._down_since = time.monotonic()
            # the error's text may carry SQL parameters; its type and first line suffice
            first_line = str(err.orig if isinstance(err, DBAPIError) else err).splitlines()
            _LOGGER.warning("call %s: database unavailable (%s: %s); %d write(s) queued, "
                            "starting with %s", self.call_id, type(err).__name__,
                            first_line[0] if first_line else "", len(self), write.what)

    def _note_up(self) -> None:
        if self._down_since is not None:
            _LOGGER.warning("call %s: database back after %.1f s; queued writes applied",
                            self.call_id, time.monotonic() - self._down_since)
            self._down_since = None
