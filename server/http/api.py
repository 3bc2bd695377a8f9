"""The REST API managers and reps replay calls with; reps see only their own calls."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response, status
from pydantic import BaseModel, Field

from scoring.fillers import FillerEvent
from scoring.metrics import interruptions
from scoring.moves import TurnConcession
from scoring.timeline import markers
from scoring.turns import Turn
from server.http import api_auth, api_team
from server.http.auth import CurrentUser, Manager
from server.http.state import Store
from server.storage import CALL_ID, CallFilter, CallRecord, CallStatus, CallStore, CallSummary
from server.http.uploads import UploadError, score_upload

_LOGGER = logging.getLogger(__name__)
router = APIRouter(prefix="/api", tags=["calls"])
router.include_router(api_auth.router)
router.include_router(api_team.router)
CallId = Annotated[str, Path(pattern=CALL_ID.pattern, description="32 lower-case hex digits")]
_NOT_FOUND = "no such call"


class CallList(BaseModel):
    calls: list[CallSummary]
    total: int = Field(description="calls matching the filters, before limit/offset")


class EventOut(BaseModel):
    seq: int
    at: float = Field(description="call-clock second the event was sent at")
    event: dict[str, Any]


class MarkerOut(BaseModel):
    kind: str = Field(description="concession | fillers | pause | interruption")
    start: float
    end: float
    label: str
    turn: int | None


class CallDetail(BaseModel):
    call: CallSummary
    scorecard: dict[str, Any] | None
    turns: list[Turn] = Field(description="docs/scorecard.md, turns[]")
    events: list[EventOut]
    markers: list[MarkerOut]


class TrendPoint(BaseModel):
    call_id: str
    started_at: datetime
    scenario: str
    outcome: str | None
    overall: float


class Trend(BaseModel):
    rep: api_auth.UserOut
    points: list[TrendPoint]


def visible_call(store: CallStore, call_id: str, user: CurrentUser) -> CallRecord:
    """The call if this user may see it; another rep's call is 'not found', not 'forbidden'."""
    record = store.calls.get(call_id)
    if record is None or not (user.is_manager or record.rep_id == user.id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, _NOT_FOUND)
    return record


def _day_start(day: date | None, extra: int = 0) -> datetime | None:
    if day is None:
        return None
    # the server's local midnight, compared in UTC (SQLite keeps UTC wall times)
    return datetime.combine(day + timedelta(days=extra), time.min).astimezone().astimezone(UTC)


@router.get("/calls", summary="Stored calls, newest first")
def list_calls(
    user: CurrentUser,
    store: Store,
    rep: Annotated[str | None, Query(pattern=CALL_ID.pattern, description="a rep's user id")]
    = None,
    scenario: Annotated[str | None, Query(max_length=100)] = None,
    outcome: Annotated[str | None, Query(max_length=50)] = None,
    call_status: Annotated[CallStatus | None, Query(alias="status")] = None,
    date_from: Annotated[date | None, Query(description="first day, inclusive")] = None,
    date_to: Annotated[date | None, Query(description="last day, inclusive")] = None,
    min_score: Annotated[float | None, Query(ge=0, le=100)] = None,
    max_score: Annotated[float | None, Query(ge=0, le=100)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> CallList:
    if not user.is_manager:
        if rep is not None and rep != user.id:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "reps see only their own calls")
        rep = user.id
    found, total = store.calls.search(CallFilter(
        user_id=rep, scenario=scenario, outcome=outcome, status=call_status,
        started_from=_day_start(date_from), started_to=_day_start(date_to, 1),
        min_score=min_score, max_score=max_score, limit=limit, offset=offset,
    ))
    return CallList(calls=[r.summary() for r in found], total=total)


def _detail(store: CallStore, record: CallRecord) -> CallDetail:
    scorecard = store.calls.scorecard(record.id)
    turns = store.calls.turns(record.id)
    events = [EventOut(seq=e.seq, at=e.at, event=e.data) for e in store.calls.events(record.id)]
    found = call_markers(scorecard, turns)
    summary = record.summary()
    if record.status is CallStatus.LIVE:
        summary = replace(summary, duration=store.recorded_seconds(record))
    return CallDetail(call=summary, scorecard=scorecard, turns=turns, events=events,
                      markers=[MarkerOut(**m) for m in found])


def call_markers(scorecard: dict[str, Any] | None, turns: list[Turn]) -> list[dict[str, Any]]:
    """The scorecard's own markers (docs/coaching.md); for a scorecard stored before it had
    them, the same scoring code run over what it stored (pauses from word gaps)."""
    view = (scorecard or {}).get("coaching")
    if isinstance(view, dict) and isinstance(view.get("markers"), list):
        return view["markers"]
    card = scorecard or {}
    conceded = [TurnConcession(**{k: c.get(k) for k in TurnConcession.__dataclass_fields__})
                for c in card.get("concessions") or []]
    fillers = [FillerEvent(e["word"], e["turn"], e["start"], e["end"])
               for e in (card.get("fillers") or {}).get("events") or []]
    return [m.to_dict() for m in markers(turns, conceded, fillers, interruptions(turns))]


@router.get("/calls/{call_id}", summary="One call: scorecard, turns with word timings, events")
def get_call(call_id: CallId, user: CurrentUser, store: Store) -> CallDetail:
    return _detail(store, visible_call(store, call_id, user))


@router.get("/calls/{call_id}/export", summary="The whole call as a JSON download")
def export_call(call_id: CallId, user: CurrentUser, store: Store) -> Response:
    detail = _detail(store, visible_call(store, call_id, user))
    body = json.dumps(detail.model_dump(mode="json"), indent=1)
    return Response(body, media_type="application/json", headers={
        "Content-Disposition": f'attachment; filename="walkaway-call-{call_id}.json"'})


@router.delete("/calls/{call_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Delete a call and its recording (managers only)")
async def delete_call(call_id: CallId, _: Manager, store: Store) -> None:
    record = await asyncio.to_thread(store.calls.get, call_id)
    if record is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, _NOT_FOUND)
    await store.delete_call(record)


@router.post(
    "/calls/upload",
    status_code=status.HTTP_201_CREATED,
    summary="Upload a recorded real call (WAV, MP3, ...) as the raw request body; it is scored",
    openapi_extra={"requestBody": {"required": True, "content": {
        "audio/wav": {"schema": {"type": "string", "format": "binary"}},
        "audio/mpeg": {"schema": {"type": "string", "format": "binary"}},
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
    }}},
)
async def upload_call(
    request: Request,
    user: CurrentUser,
    store: Store,
    scenario: Annotated[str, Query(pattern=r"^[A-Za-z0-9_.-]{1,100}$")] = "real-call",
    filename: Annotated[str, Query(max_length=200)] = "upload.wav",
) -> CallSummary:
    call_id = uuid.uuid4().hex
    try:
        await score_upload(request, store, call_id=call_id, user_id=user.id, scenario=scenario,
                           filename=filename)
    except UploadError as err:
        raise HTTPException(err.status_code, err.message) from err
    record = await asyncio.to_thread(store.calls.get, call_id)
    if record is None:
        raise HTTPException(status.HTTP_500_INTERNAL_SERVER_ERROR, "the upload was not stored")
    return record.summary()


@router.get("/reps/{rep_id}/trend", summary="A rep's overall score, call by call")
def rep_trend(rep_id: Annotated[str, Path(pattern=CALL_ID.pattern)], user: CurrentUser,
              store: Store) -> Trend:
    if not user.is_manager and rep_id != user.id:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "reps see only their own trend")
    rep = store.accounts.by_id(rep_id)
    if rep is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such rep")
    points = [TrendPoint(call_id=r.id, started_at=r.started_at, scenario=r.scenario,
                         outcome=r.outcome, overall=r.overall)
              for r in store.calls.trend(rep_id) if r.overall is not None]
    return Trend(rep=api_auth.UserOut.of(rep), points=points)
