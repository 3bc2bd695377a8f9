"""Team admin for managers (issue 20, docs/admin.md): assignments and each rep's progress on
them, one-time invites, password resets, the people list and who signed in when."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response, status
from pydantic import BaseModel, Field, model_validator
from sqlalchemy.exc import SQLAlchemyError

from dialog.scenario import ScenarioCatalog
from server.http import api_scenarios
from server.http.auth import CurrentUser, Manager, start_session
from server.http.state import Catalog, Store, get_settings
from server.storage import CALL_ID, AccountError, CallStore, Role
from server.storage.team import (
    Assignment,
    Assignments,
    Invite,
    Invites,
    Progress,
    SignIns,
    TeamError,
)

_LOGGER = logging.getLogger(__name__)
router = APIRouter(tags=["team"])  # mounted under /api by server.http.api
router.include_router(api_scenarios.router)
UserId = Annotated[str, Path(pattern=CALL_ID.pattern, description="a user's id")]
AssignmentId = Annotated[str, Path(pattern=CALL_ID.pattern)]
InviteId = Annotated[str, Path(pattern=r"^[0-9a-f]{16}$")]
MAX_INVITE_DAYS = 30


# --- assignments --------------------------------------------------------------------------

class AssignmentIn(BaseModel):
    scenario: str = Field(min_length=1, max_length=100)
    difficulty: str = Field(default="normal", max_length=16)
    pass_mark: float = Field(default=70, ge=0, le=100, description="overall score that passes")
    due: date | None = Field(default=None, description="last day (inclusive), server time")
    everyone: bool = Field(default=False, description="every rep, now and later")
    rep_ids: list[str] = Field(default_factory=list, max_length=500)
    note: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _who(self) -> AssignmentIn:
        if self.everyone and self.rep_ids:
            raise ValueError("assign to everyone or to listed reps, not both")
        if not self.everyone and not self.rep_ids:
            raise ValueError("name at least one rep, or assign to everyone")
        for rep_id in self.rep_ids:
            if not CALL_ID.match(rep_id):
                raise ValueError(f"{rep_id!r} is not a user id")
        return self


class AssignmentOut(BaseModel):
    id: str
    scenario: str
    scenario_title: str | None
    difficulty: str
    pass_mark: float
    due_at: datetime | None
    everyone: bool
    rep_ids: list[str]
    note: str | None
    created_at: datetime

    @classmethod
    def of(cls, a: Assignment, catalog: ScenarioCatalog) -> AssignmentOut:
        title = catalog.get(a.scenario).title if a.scenario in catalog else None
        return cls(id=a.id, scenario=a.scenario, scenario_title=title,
                   difficulty=a.difficulty, pass_mark=a.pass_mark, due_at=a.due_at,
                   everyone=a.everyone, rep_ids=list(a.rep_ids), note=a.note,
                   created_at=a.created_at)


class ProgressOut(BaseModel):
    assignment_id: str
    rep_id: str
    rep_name: str
    attempts: int
    best: float | None
    passed: bool
    overdue: bool
    last_call_id: str | None

    @classmethod
    def of(cls, p: Progress, at: datetime) -> ProgressOut:
        return cls(assignment_id=p.assignment.id, rep_id=p.rep.id, rep_name=p.rep.name,
                   attempts=p.attempts, best=p.best, passed=p.passed, overdue=p.overdue(at),
                   last_call_id=p.last_call_id)


class AssignmentBoard(BaseModel):
    assignments: list[AssignmentOut]
    progress: list[ProgressOut] = Field(description="one row per rep and assignment")


def _due_end(day: date | None) -> datetime | None:
    # the end of the due day, server local time, kept in UTC
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=1), time.min).astimezone().astimezone(UTC)


def _board(store: CallStore, catalog: ScenarioCatalog, rep_id: str | None) -> AssignmentBoard:
    assignments = Assignments(store.engine)
    found = assignments.all()
    at = datetime.now(UTC)
    progress = assignments.progress(rep_id)
    if rep_id is not None:
        mine = {p.assignment.id for p in progress}
        found = [a for a in found if a.id in mine]
    return AssignmentBoard(assignments=[AssignmentOut.of(a, catalog) for a in found],
                           progress=[ProgressOut.of(p, at) for p in progress])


@router.post("/assignments", status_code=status.HTTP_201_CREATED,
             summary="Assign a scenario and difficulty to reps or to everyone (managers only)")
def create_assignment(body: AssignmentIn, manager: Manager, store: Store,
                      catalog: Catalog) -> AssignmentOut:
    if body.scenario not in catalog:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            f"unknown scenario {body.scenario!r}")
    if body.difficulty not in catalog.get(body.scenario).difficulties:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            f"unknown difficulty {body.difficulty!r} for {body.scenario}")
    if body.due is not None and body.due < date.today() - timedelta(days=1):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "the due date has passed")
    try:
        made = Assignments(store.engine).create(
            scenario=body.scenario, difficulty=body.difficulty, pass_mark=body.pass_mark,
            due_at=_due_end(body.due), rep_ids=None if body.everyone else body.rep_ids,
            created_by=manager.id, note=body.note)
    except TeamError as err:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(err)) from err
    _LOGGER.info("manager %s assigned %s/%s", manager.id, made.scenario, made.difficulty)
    return AssignmentOut.of(made, catalog)


@router.get("/assignments", summary="Every assignment and each rep's progress (managers only)")
def all_assignments(_: Manager, store: Store, catalog: Catalog) -> AssignmentBoard:
    return _board(store, catalog, None)


@router.get("/assignments/mine", summary="What the signed-in rep is asked to practise")
def my_assignments(user: CurrentUser, store: Store, catalog: Catalog) -> AssignmentBoard:
    return _board(store, catalog, user.id)


@router.delete("/assignments/{assignment_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Withdraw an assignment; its calls stay (managers only)")
def remove_assignment(assignment_id: AssignmentId, _: Manager, store: Store) -> None:
    if not Assignments(store.engine).remove(assignment_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such assignment")


# --- people, sign-ins, passwords ------------------------------------------------------------

class PersonOut(BaseModel):
    id: str
    name: str
    role: Role
    created_at: datetime
    last_sign_in: datetime | None


class SignInOut(BaseModel):
    user_id: str
    user_name: str
    at: datetime
    address: str | None
    method: str


class ResetIn(BaseModel):
    password: str = Field(min_length=8, max_length=1000)


@router.get("/users", summary="Everyone on the team with their last sign-in (managers only)")
def people(_: Manager, store: Store) -> list[PersonOut]:
    last = SignIns(store.engine).last()
    return [PersonOut(id=u.id, name=u.name, role=u.role, created_at=u.created_at,
                      last_sign_in=last.get(u.id)) for u in store.accounts.all()]


@router.get("/sign-ins", summary="Who signed in when, newest first (managers only)")
def sign_ins(_: Manager, store: Store,
             user: Annotated[str | None, Query(pattern=CALL_ID.pattern)] = None,
             limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[SignInOut]:
    return [SignInOut(user_id=s.user_id, user_name=s.user_name, at=s.at, address=s.address,
                      method=s.method) for s in SignIns(store.engine).recent(limit, user)]


@router.post("/users/{user_id}/password", status_code=status.HTTP_204_NO_CONTENT,
             summary="Set a new password for someone; their browser sessions end "
                     "(managers only)")
def reset_password(user_id: UserId, body: ResetIn, manager: Manager, store: Store) -> None:
    if user_id == manager.id:
        raise HTTPException(status.HTTP_409_CONFLICT,
                            "change your own password with POST /api/password")
    if store.accounts.by_id(user_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such user")
    try:
        ended = store.accounts.set_password(user_id, body.password)
    except AccountError as err:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(err)) from err
    _LOGGER.info("manager %s reset the password of user %s (%d session(s) ended)",
                 manager.id, user_id, ended)


# --- invites --------------------------------------------------------------------------------

class InviteIn(BaseModel):
    role: Role = Role.REP
    name: str | None = Field(default=None, max_length=100, description="suggested name")
    days: int = Field(default=7, ge=1, le=MAX_INVITE_DAYS, description="days the link lasts")


class InviteOut(BaseModel):
    id: str
    role: Role
    name: str | None
    created_at: datetime
    expires_at: datetime

    @classmethod
    def of(cls, invite: Invite) -> InviteOut:
        return cls(id=invite.id, role=invite.role, name=invite.name,
                   created_at=invite.created_at, expires_at=invite.expires_at)


class NewInviteOut(InviteOut):
    link: str = Field(description="the one-time link; shown once, only its hash is kept")


class InviteCheckIn(BaseModel):
    code: str = Field(min_length=1, max_length=200)


class AcceptIn(InviteCheckIn):
    name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=8, max_length=1000)


def _base_url(request: Request) -> str:
    public = get_settings(request).public_url
    return (public or str(request.base_url)).rstrip("/")


@router.post("/invites", status_code=status.HTTP_201_CREATED,
             summary="A one-time sign-up link for a new rep or manager (managers only)")
def create_invite(body: InviteIn, manager: Manager, request: Request,
                  store: Store) -> NewInviteOut:
    code, invite = Invites(store.engine).create(body.role, manager.id,
                                                timedelta(days=body.days), body.name)
    _LOGGER.info("manager %s invited a %s (invite %s)", manager.id, body.role, invite.id)
    return NewInviteOut(**InviteOut.of(invite).model_dump(),
                        link=f"{_base_url(request)}/invite#{code}")


@router.get("/invites", summary="Invites not yet used or expired (managers only)")
def pending_invites(_: Manager, store: Store) -> list[InviteOut]:
    return [InviteOut.of(i) for i in Invites(store.engine).pending()]


@router.delete("/invites/{invite_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Cancel an unused invite (managers only)")
def cancel_invite(invite_id: InviteId, _: Manager, store: Store) -> None:
    if not Invites(store.engine).revoke(invite_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such invite")


@router.post("/invites/check", summary="What an invite code is for, if it is still good")
def check_invite(body: InviteCheckIn, store: Store) -> InviteOut:
    invite = Invites(store.engine).lookup(body.code)
    if invite is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "this invite link is used, expired or wrong")
    return InviteOut.of(invite)


@router.post("/invites/accept", status_code=status.HTTP_201_CREATED,
             summary="Use an invite: choose a name and password; signs you in")
def accept_invite(body: AcceptIn, request: Request, response: Response,
                  store: Store) -> PersonOut:
    try:
        user = Invites(store.engine).accept(body.code, body.name, body.password)
    except TeamError as err:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(err)) from err
    except AccountError as err:
        raise HTTPException(status.HTTP_409_CONFLICT, str(err)) from err
    start_session(request, response, user)
    record_sign_in(request, store, user.id, "invite")
    return PersonOut(id=user.id, name=user.name, role=user.role, created_at=user.created_at,
                     last_sign_in=datetime.now(UTC))


def record_sign_in(request: Request, store: CallStore, user_id: str, method: str) -> None:
    """Add a line to the sign-in log; a failure to write it never blocks the sign-in."""
    address = request.client.host if request.client else None
    try:
        SignIns(store.engine).record(user_id, address, method)
    except SQLAlchemyError:  # the log is a convenience: the sign-in stands
        _LOGGER.exception("sign-in of user %s not logged", user_id)
