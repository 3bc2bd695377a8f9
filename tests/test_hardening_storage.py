"""Issue 19, storage probes: a batch of events too big for one query, errors that retrying
cannot help, and a database that stays away longer than a call's writes may wait in memory
(docs/security.md says what each proves)."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, bindparam, create_engine, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from server.storage import CallStatus, CallStore
from server.storage.db import make_engine
from server.storage.models import EventRow
from server.storage.pending import SPOOL_SUFFIX, AddEvents, is_transient
from server.storage.repository import StoredEvent
from server.storage.settings import StorageSettings
from tests.support.storage_fixtures import BACKENDS, database_url_for, new_call_id
from tests.support.tcp_proxy import TcpProxy
# fixtures: a fresh PostgreSQL schema, and a proxy in front of it the test can take down
from tests.test_db_outage import pg_url, proxy  # noqa: F401

QUEUED = 300_000  # past SQLite's 250,000 variables and PostgreSQL's 65,535 parameters
PG_NOBODY = "postgresql+psycopg://postgres@127.0.0.1:9/test"  # a port nothing listens on


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    yield from database_url_for(request.param)


def _store(tmp_path: Path, url: str | None, **extra: Any) -> CallStore:
    return CallStore(StorageSettings(data_dir=tmp_path, database_url=url, **extra))


class StatementLog:
    """The largest number of bound values and of rows any one statement carried."""

    def __init__(self, engine: Engine) -> None:
        self.max_values = 0
        self.max_rows = 0
        self.event_statements = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any,
              executemany: bool) -> None:
        many = (executemany and isinstance(parameters, list | tuple) and parameters
                and isinstance(parameters[0], list | tuple | dict))
        rows = list(parameters) if many else [parameters]
        self.max_values = max(self.max_values, *(len(row or ()) for row in rows))
        self.max_rows = max(self.max_rows, len(rows))
        if "events" in statement:
            self.event_statements += 1


def test_300000_queued_events_are_written_in_bounded_batches(
    database_url: str | None, tmp_path: Path
) -> None:
    store = _store(tmp_path, database_url)
    store.start_sync()
    try:
        call_id = new_call_id()
        recorder = store.open_call_sync(call_id=call_id, user_id=None, scenario="send-info",
                                        difficulty="normal")
        # what a long outage (or an older server's spool file) leaves queued: one huge batch
        events = [StoredEvent(seq, seq / 1000, {"type": "partial", "text": f"word {seq}"})
                  for seq in range(QUEUED)]
        recorder.pending.add(AddEvents(call_id, events))
        log = StatementLog(store.engine)
        started = time.perf_counter()
        assert recorder.pending.apply(), "the batch is still queued: the database refused it"
        took = time.perf_counter() - started
        recorder.finish_sync({"call_id": call_id, "overall": 50, "turns": []},
                             CallStatus.COMPLETE)
        with Session(store.engine) as session:
            stored = session.scalar(select(func.count()).select_from(EventRow)
                                    .where(EventRow.call_id == call_id))
        assert stored == QUEUED
        stored_events = store.calls.events(call_id)
        assert [e.seq for e in stored_events[:3]] == [0, 1, 2]
        assert stored_events[-1].data == {"type": "partial", "text": f"word {QUEUED - 1}"}
        record = store.calls.get(call_id)
        assert record is not None and record.status is CallStatus.COMPLETE
        # bounded: no statement comes near either database's limit, and it took many of them
        assert log.max_values <= 1_000 and log.max_rows <= 1_000
        assert log.event_statements >= QUEUED // 1_000
        print(f"\n{QUEUED} events in {took:.1f} s, {log.event_statements} statements, "
              f"at most {log.max_values} values and {log.max_rows} rows each")
    finally:
        store.engine.dispose()


def test_applying_the_same_batch_twice_stores_each_event_once(tmp_path: Path) -> None:
    """A batch retried after its commit's answer was lost is safe: the chunks skip what is kept."""
    store = _store(tmp_path, None)
    store.start_sync()
    call_id = new_call_id()
    recorder = store.open_call_sync(call_id=call_id, user_id=None, scenario="send-info",
                                    difficulty="normal")
    events = [StoredEvent(seq, 0.0, {"type": "partial", "text": str(seq)}) for seq in range(2_500)]
    store.calls.add_events(call_id, events[:1_700])  # the first try got this far
    recorder.pending.add(AddEvents(call_id, events))
    assert recorder.pending.apply()
    assert [e.seq for e in store.calls.events(call_id)] == list(range(2_500))
    store.engine.dispose()


def _real_error(engine: Engine, statement: Any, params: dict[str, Any]) -> SQLAlchemyError:
    try:
        with engine.connect() as conn:
            conn.execute(statement, params)
    except SQLAlchemyError as err:
        return err
    raise AssertionError("the database accepted it")


def test_only_connection_failures_count_as_passing(database_url: str | None,
                                                   tmp_path: Path) -> None:
    """The parameter limit is an OperationalError on both databases, and it is for good."""
    store = _store(tmp_path, database_url)
    store.start_sync()
    try:
        many = select(EventRow.seq).where(EventRow.seq.in_(bindparam("seqs", expanding=True)))
        too_many = _real_error(store.engine, many, {"seqs": list(range(QUEUED))})
        assert isinstance(too_many, OperationalError)  # what the old test took for passing
        assert not is_transient(too_many)
        bad_sql = _real_error(store.engine, text("SELECT * FROM no_such_table"), {})
        assert not is_transient(bad_sql)
    finally:
        store.engine.dispose()


def test_a_locked_sqlite_file_and_an_unreachable_server_are_passing(tmp_path: Path) -> None:
    store = _store(tmp_path, None)
    store.start_sync()
    database = make_url(str(store.engine.url)).database
    blocker = sqlite3.connect(str(database))
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        hurried = create_engine(store.engine.url, connect_args={"timeout": 0.05})
        locked = _real_error(hurried, text("CREATE TABLE waits_for_the_lock (x INTEGER)"), {})
        hurried.dispose()
    finally:
        blocker.rollback()
        blocker.close()
    assert is_transient(locked), locked
    store.engine.dispose()

    nobody = StorageSettings(data_dir=tmp_path, database_url=f"{PG_NOBODY}")
    engine = make_engine(nobody)
    refused = _real_error(engine, text("SELECT 1"), {})
    assert is_transient(refused), refused
    engine.dispose()


# --- a database that stays away --------------------------------------------------------------

async def test_writes_waiting_too_long_go_to_the_pending_file_and_apply_at_the_next_start(
    pg_url: str | None, proxy: TcpProxy, tmp_path: Path
) -> None:
    url = make_url(pg_url or "").set(port=proxy.port).render_as_string(False)
    store = _store(tmp_path, url, retry_for_s=1.0)
    await store.start()
    call_id = new_call_id()
    recorder = await store.open_call(call_id=call_id, user_id=None, scenario="send-info",
                                     difficulty="normal")
    recorder.event({"type": "ready", "call_id": call_id})
    await proxy.down()
    recorder.event({"type": "prospect", "turn": 0, "text": "Just send me something."})
    await recorder.finish({"call_id": call_id, "overall": 61, "turns": []}, CallStatus.COMPLETE)
    assert store.queued_calls == 1
    spool = tmp_path / "calls" / f"{call_id}{SPOOL_SUFFIX}"
    async with asyncio.timeout(10):  # bounded: saved and let go, not retried for ever
        while store.queued_calls or not spool.exists():
            await asyncio.sleep(0.1)
    await proxy.up()
    await store.close()

    again = _store(tmp_path, url)
    await again.start()
    try:  # in a thread: the proxy runs on this loop
        record = await asyncio.to_thread(again.calls.get, call_id)
        assert record is not None and record.status is CallStatus.COMPLETE
        assert record.overall == 61
        events = await asyncio.to_thread(again.calls.events, call_id)
        assert [e.data["type"] for e in events] == ["ready", "prospect"]
        assert not spool.exists()
    finally:
        await again.close()
