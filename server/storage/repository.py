"""Stored calls: written by the recorder, read by the REST API. Sync; call from threads."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Annotated, Any

from pydantic import AliasChoices, Field
from sqlalchemy import Engine, Select, delete, func, insert, select, update
from sqlalchemy.orm import Session

from scoring.turns import Speaker, Turn, Word
from server.storage.accounts import _aware
from server.storage.models import (
    CallRow,
    CallStatus,
    EventRow,
    LeaseRow,
    ScorecardRow,
    TurnRow,
    UserRow,
)

# Rows per statement when storing events: 200 rows of 5 values stay far under SQLite's
# 32,766 (or 250,000) and PostgreSQL's 65,535 bound values however big the batch.
EVENT_CHUNK = 200


@dataclass(frozen=True)
class CallSummary:
    """One row of `calls` with its rep's name: what GET /api/calls shows of a call."""

    id: str
    # the user who made the call; writes saved to a file before the field had this name call
    # it user_id (server/storage/pending.py)
    rep_id: Annotated[str | None, Field(validation_alias=AliasChoices("rep_id", "user_id"))]
    rep_name: Annotated[str | None, Field(validation_alias=AliasChoices("rep_name", "user_name"))]
    scenario: str
    difficulty: str
    source: str
    started_at: datetime
    ended_at: datetime | None
    status: CallStatus
    outcome: str | None
    overall: float | None
    duration: float | None


@dataclass(frozen=True)
class CallRecord(CallSummary):
    """The summary with where the call's audio is kept, which storage alone may see."""

    audio_path: str

    def summary(self) -> CallSummary:
        """The call without its audio path, for those who may see the call."""
        return CallSummary(**{f.name: getattr(self, f.name) for f in fields(CallSummary)})


@dataclass(frozen=True)
class CallFilter:
    """What GET /api/calls may narrow by; `user_id` is forced to the viewer for reps."""

    user_id: str | None = None
    scenario: str | None = None
    outcome: str | None = None
    status: CallStatus | None = None
    started_from: datetime | None = None
    started_to: datetime | None = None
    min_score: float | None = None
    max_score: float | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class StoredEvent:
    seq: int
    at: float
    data: dict[str, Any]


def _record(row: CallRow, user_name: str | None) -> CallRecord:
    return CallRecord(
        id=row.id, rep_id=row.user_id, rep_name=user_name, scenario=row.scenario,
        difficulty=row.difficulty, source=row.source, started_at=_aware(row.started_at),
        ended_at=_aware(row.ended_at) if row.ended_at else None, status=CallStatus(row.status),
        outcome=row.outcome, overall=row.overall, duration=row.duration,
        audio_path=row.audio_path,
    )


def _with_names() -> Select[tuple[CallRow, str | None]]:
    return select(CallRow, UserRow.name).outerjoin(UserRow, CallRow.user_id == UserRow.id)


class CallRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # --- writing (the recorder) --------------------------------------------------------------
    # Each write may be tried again after a connection error that came after its commit (the
    # database kept it, the answer was lost), so each one is safe to apply twice.

    def insert(self, record: CallRecord, lease: tuple[str, datetime] | None = None) -> None:
        """The call's row and, for a live call, its server's lease (server id, until)."""
        with Session(self._engine) as session, session.begin():
            if session.get(CallRow, record.id) is not None:
                return
            if lease is not None:
                session.add(LeaseRow(call_id=record.id, server_id=lease[0],
                                     expires_at=lease[1]))
            session.add(CallRow(
                id=record.id, user_id=record.rep_id, scenario=record.scenario,
                difficulty=record.difficulty, source=record.source,
                started_at=record.started_at, ended_at=record.ended_at,
                status=str(record.status), outcome=record.outcome, overall=record.overall,
                duration=record.duration, audio_path=record.audio_path,
            ))

    def add_events(self, call_id: str, events: list[StoredEvent]) -> None:
        """Store the events in chunks of EVENT_CHUNK rows, one transaction each; those already
        kept (a batch retried after a lost commit answer) are skipped."""
        if not events:
            return
        # one look for what is kept, not one a chunk: an unanalysed table is scanned each time
        with self._engine.connect() as connection:
            kept = set(connection.scalars(select(EventRow.seq).where(
                EventRow.call_id == call_id, EventRow.seq >= min(e.seq for e in events))))
        rows = [{"call_id": call_id, "seq": e.seq, "at": e.at,
                 "type": str(e.data.get("type", ""))[:32], "data": e.data}
                for e in events if e.seq not in kept]
        for start in range(0, len(rows), EVENT_CHUNK):
            # Core, not the ORM (a third of the time); RETURNING makes both drivers send
            # each chunk as one multi-row VALUES
            with self._engine.begin() as connection:
                connection.execute(insert(EventRow).returning(EventRow.id),
                                   rows[start : start + EVENT_CHUNK])

    def set_duration(self, call_id: str, duration: float) -> None:
        with Session(self._engine) as session, session.begin():
            session.execute(update(CallRow).where(CallRow.id == call_id)
                            .values(duration=duration))

    def finish(self, call_id: str, *, status: CallStatus, ended_at: datetime, duration: float,
               scorecard: dict[str, Any] | None, turns: list[Turn]) -> None:
        """Close the call: its turns, scorecard and summary columns, in one transaction."""
        overall = scorecard.get("overall") if scorecard else None
        with Session(self._engine) as session, session.begin():
            session.execute(delete(LeaseRow).where(LeaseRow.call_id == call_id))
            session.execute(delete(TurnRow).where(TurnRow.call_id == call_id))
            session.add_all(TurnRow(call_id=call_id, idx=t.index, speaker=str(t.speaker),
                                    text=t.text, start=t.start, end=t.end, cut=t.cut,
                                    words=[asdict(w) for w in t.words]) for t in turns)
            if scorecard is not None:
                session.merge(ScorecardRow(call_id=call_id, data=scorecard))
            session.execute(update(CallRow).where(CallRow.id == call_id).values(
                status=str(status), ended_at=ended_at, duration=duration,
                outcome=scorecard.get("outcome") if scorecard else None,
                overall=float(overall) if isinstance(overall, int | float) else None,
            ))

    def live_calls(self, *, unleased: bool = False) -> list[CallRecord]:
        """Calls marked live (`unleased`: only those no server holds a lease on)."""
        query = _with_names().where(CallRow.status == str(CallStatus.LIVE))
        if unleased:
            query = query.where(~select(LeaseRow.call_id)
                                .where(LeaseRow.call_id == CallRow.id).exists())
        with Session(self._engine) as session:
            return [_record(row, name) for row, name in session.execute(query)]

    # --- reading (the API) -------------------------------------------------------------------

    def get(self, call_id: str) -> CallRecord | None:
        with Session(self._engine) as session:
            found = session.execute(_with_names().where(CallRow.id == call_id)).first()
            return _record(found[0], found[1]) if found else None

    def search(self, where: CallFilter) -> tuple[list[CallRecord], int]:
        """Calls matching the filter, newest first, and how many match in all."""
        conditions = []
        if where.user_id is not None:
            conditions.append(CallRow.user_id == where.user_id)
        if where.scenario:
            conditions.append(CallRow.scenario == where.scenario)
        if where.outcome:
            conditions.append(CallRow.outcome == where.outcome)
        if where.status is not None:
            conditions.append(CallRow.status == str(where.status))
        if where.started_from is not None:
            conditions.append(CallRow.started_at >= where.started_from)
        if where.started_to is not None:
            conditions.append(CallRow.started_at < where.started_to)
        if where.min_score is not None:
            conditions.append(CallRow.overall >= where.min_score)
        if where.max_score is not None:
            conditions.append(CallRow.overall <= where.max_score)
        with Session(self._engine) as session:
            total = session.scalar(select(func.count()).select_from(CallRow).where(*conditions))
            rows = session.execute(
                _with_names().where(*conditions)
                .order_by(CallRow.started_at.desc(), CallRow.id)
                .limit(where.limit).offset(where.offset)
            )
            return [_record(row, name) for row, name in rows], total or 0

    def scorecard(self, call_id: str) -> dict[str, Any] | None:
        with Session(self._engine) as session:
            row = session.get(ScorecardRow, call_id)
            return row.data if row else None

    def turns(self, call_id: str) -> list[Turn]:
        with Session(self._engine) as session:
            rows = session.scalars(select(TurnRow).where(TurnRow.call_id == call_id)
                                   .order_by(TurnRow.start, TurnRow.idx))
            return [Turn(r.idx, Speaker(r.speaker), r.text, r.start, r.end,
                         tuple(Word(**w) for w in r.words), r.cut) for r in rows]

    def events(self, call_id: str) -> list[StoredEvent]:
        with Session(self._engine) as session:
            rows = session.scalars(select(EventRow).where(EventRow.call_id == call_id)
                                   .order_by(EventRow.seq))
            return [StoredEvent(r.seq, r.at, r.data) for r in rows]

    def trend(self, user_id: str) -> list[CallRecord]:
        """The rep's scored calls, oldest first."""
        with Session(self._engine) as session:
            rows = session.execute(
                _with_names().where(CallRow.user_id == user_id, CallRow.overall.is_not(None))
                .order_by(CallRow.started_at)
            )
            return [_record(row, name) for row, name in rows]

    def delete(self, call_id: str) -> bool:
        with Session(self._engine) as session, session.begin():
            for table in (EventRow, TurnRow, ScorecardRow):
                session.execute(delete(table).where(table.call_id == call_id))
            result = session.execute(delete(CallRow).where(CallRow.id == call_id))
            return bool(result.rowcount)
