"""What managers keep about their team (issue 20): assignments and how each rep is doing on
them, one-time invites, and who signed in when. Sync; call from threads."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.orm import Session

from server.storage.accounts import AccountError, Accounts, User, _aware, hash_token, now
from server.storage.models import CallRow, CallStatus, Role, UserRow
from server.storage.team_models import AssignmentRepRow, AssignmentRow, InviteRow, SignInRow

_INVITE_PREFIX = "wi_"


class TeamError(Exception):
    """An assignment or invite that cannot be made or used; the message says why."""


@dataclass(frozen=True)
class Assignment:
    id: str
    scenario: str
    difficulty: str
    pass_mark: float
    due_at: datetime | None
    everyone: bool
    rep_ids: tuple[str, ...]  # empty when `everyone`
    note: str | None
    created_by: str | None
    created_at: datetime


@dataclass(frozen=True)
class Progress:
    """One rep on one assignment: calls on its scenario and difficulty since it was set."""

    assignment: Assignment
    rep: User
    attempts: int
    best: float | None
    last_call_id: str | None

    @property
    def passed(self) -> bool:
        return self.best is not None and self.best >= self.assignment.pass_mark

    def overdue(self, at: datetime) -> bool:
        due = self.assignment.due_at
        return not self.passed and due is not None and due < at


@dataclass(frozen=True)
class Invite:
    id: str
    role: Role
    name: str | None
    created_by: str | None
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None


@dataclass(frozen=True)
class SignIn:
    user_id: str
    user_name: str
    at: datetime
    address: str | None
    method: str


def _assignment(row: AssignmentRow, reps: list[str]) -> Assignment:
    return Assignment(row.id, row.scenario, row.difficulty, row.pass_mark,
                      _aware(row.due_at) if row.due_at else None, row.everyone,
                      tuple(sorted(reps)), row.note, row.created_by, _aware(row.created_at))


def _invite(row: InviteRow) -> Invite:
    return Invite(row.id, Role(row.role), row.name, row.created_by, _aware(row.created_at),
                  _aware(row.expires_at), _aware(row.used_at) if row.used_at else None)


class Assignments:
    """What managers asked reps to practise."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def create(self, *, scenario: str, difficulty: str, pass_mark: float,
               due_at: datetime | None, rep_ids: list[str] | None, created_by: str,
               note: str | None = None) -> Assignment:
        """Assign to the listed reps, or to every rep (now and later) when `rep_ids` is None."""
        if rep_ids is not None:
            if not rep_ids:
                raise TeamError("name at least one rep, or assign to everyone")
            accounts = Accounts(self._engine)
            for rep_id in rep_ids:
                rep = accounts.by_id(rep_id)
                if rep is None or rep.role is not Role.REP:
                    raise TeamError(f"no rep with id {rep_id}")
        row = AssignmentRow(id=uuid.uuid4().hex, scenario=scenario, difficulty=difficulty,
                            pass_mark=pass_mark, due_at=due_at, everyone=rep_ids is None,
                            note=note, created_by=created_by, created_at=now())
        reps = sorted(set(rep_ids or []))
        with Session(self._engine) as session, session.begin():
            session.add(row)
            session.flush()
            session.add_all(AssignmentRepRow(assignment_id=row.id, user_id=r) for r in reps)
            made = _assignment(row, reps)
        return made

    def _rows(self, session: Session, rep_id: str | None = None) -> list[Assignment]:
        query = (select(AssignmentRow).where(AssignmentRow.removed_at.is_(None))
                 .order_by(AssignmentRow.created_at))
        rows = list(session.scalars(query))
        links: dict[str, list[str]] = {}
        for link in session.scalars(select(AssignmentRepRow)):
            links.setdefault(link.assignment_id, []).append(link.user_id)
        found = [_assignment(r, links.get(r.id, [])) for r in rows]
        if rep_id is not None:
            found = [a for a in found if a.everyone or rep_id in a.rep_ids]
        return found

    def all(self) -> list[Assignment]:
        with Session(self._engine) as session:
            return self._rows(session)

    def get(self, assignment_id: str) -> Assignment | None:
        return next((a for a in self.all() if a.id == assignment_id), None)

    def remove(self, assignment_id: str) -> bool:
        """Withdraw an assignment (its calls stay); whether there was one."""
        with Session(self._engine) as session, session.begin():
            done = session.execute(update(AssignmentRow).where(
                AssignmentRow.id == assignment_id, AssignmentRow.removed_at.is_(None))
                .values(removed_at=now()))
            return bool(done.rowcount)

    def progress(self, rep_id: str | None = None) -> list[Progress]:
        """Per assignment and rep (one rep's only, if given): attempts, best score."""
        accounts = Accounts(self._engine)
        reps = {u.id: u for u in accounts.all(Role.REP)}
        if rep_id is not None:
            reps = {rep_id: reps[rep_id]} if rep_id in reps else {}
        out: list[Progress] = []
        with Session(self._engine) as session:
            for a in self._rows(session, rep_id):
                targets = sorted(reps) if a.everyone else [r for r in a.rep_ids if r in reps]
                for target in targets:
                    out.append(self._one(session, a, reps[target]))
        return out

    def _one(self, session: Session, a: Assignment, rep: User) -> Progress:
        calls = (CallRow.user_id == rep.id, CallRow.scenario == a.scenario,
                 CallRow.difficulty == a.difficulty, CallRow.started_at >= a.created_at,
                 CallRow.status != str(CallStatus.LIVE))
        attempts, best = session.execute(
            select(func.count(), func.max(CallRow.overall)).where(*calls)).one()
        last = session.scalar(select(CallRow.id).where(*calls)
                              .order_by(CallRow.started_at.desc()).limit(1))
        return Progress(a, rep, int(attempts or 0), float(best) if best is not None else None,
                        last)


class Invites:
    """One-time links that let a new rep or manager choose their name and password."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def create(self, role: Role, created_by: str, ttl: timedelta,
               name: str | None = None) -> tuple[str, Invite]:
        """A new invite code (seen this once; only its hash is kept) and the invite."""
        code = _INVITE_PREFIX + secrets.token_urlsafe(24)
        created = now()
        row = InviteRow(token_hash=hash_token(code), id=secrets.token_hex(8), role=str(role),
                        name=name.strip() if name else None, created_by=created_by,
                        created_at=created, expires_at=created + ttl)
        info = _invite(row)
        with Session(self._engine) as session, session.begin():
            session.add(row)
        return code, info

    def pending(self) -> list[Invite]:
        """Invites neither used nor expired, oldest first."""
        query = (select(InviteRow).where(InviteRow.used_at.is_(None),
                                         InviteRow.expires_at > now())
                 .order_by(InviteRow.created_at))
        with Session(self._engine) as session:
            return [_invite(r) for r in session.scalars(query)]

    def lookup(self, code: str) -> Invite | None:
        """The invite if the code is one still waiting to be used."""
        if not code.startswith(_INVITE_PREFIX) or len(code) > 200:
            return None
        with Session(self._engine) as session:
            row = session.get(InviteRow, hash_token(code))
            if row is None or row.used_at is not None or _aware(row.expires_at) <= now():
                return None
            return _invite(row)

    def accept(self, code: str, name: str, password: str) -> User:
        """Create the invited user; the invite is used up in the same transaction."""
        invite = self.lookup(code)
        if invite is None:
            raise TeamError("this invite link is used, expired or wrong")
        with Session(self._engine) as session, session.begin():
            # claim it first: of two browsers using one link at once, one wins
            claimed = session.execute(update(InviteRow).where(
                InviteRow.token_hash == hash_token(code), InviteRow.used_at.is_(None))
                .values(used_at=now()))
            if not claimed.rowcount:
                raise TeamError("this invite link is used, expired or wrong")
        try:
            user = Accounts(self._engine).create(name, invite.role, password)
        except AccountError:
            with Session(self._engine) as session, session.begin():  # let them try again
                session.execute(update(InviteRow).where(InviteRow.token_hash == hash_token(code))
                                .values(used_at=None))
            raise
        with Session(self._engine) as session, session.begin():
            session.execute(update(InviteRow).where(InviteRow.token_hash == hash_token(code))
                            .values(used_by=user.id))
        return user

    def revoke(self, invite_id: str) -> bool:
        with Session(self._engine) as session, session.begin():
            gone = session.execute(delete(InviteRow).where(InviteRow.id == invite_id,
                                                           InviteRow.used_at.is_(None)))
            return bool(gone.rowcount)


class SignIns:
    """Who signed in when (kept for the team page)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def record(self, user_id: str, address: str | None, method: str) -> None:
        with Session(self._engine) as session, session.begin():
            session.add(SignInRow(user_id=user_id, at=now(), address=(address or "")[:64] or None,
                                  method=method))

    def recent(self, limit: int = 100, user_id: str | None = None) -> list[SignIn]:
        """The newest sign-ins first, with the user's name (removed users' too)."""
        query = (select(SignInRow, UserRow.name).join(UserRow, UserRow.id == SignInRow.user_id)
                 .order_by(SignInRow.at.desc(), SignInRow.id.desc()).limit(limit))
        if user_id is not None:
            query = query.where(SignInRow.user_id == user_id)
        with Session(self._engine) as session:
            return [SignIn(row.user_id, name, _aware(row.at), row.address, row.method)
                    for row, name in session.execute(query)]

    def last(self) -> dict[str, datetime]:
        """Each user's latest sign-in."""
        query = select(SignInRow.user_id, func.max(SignInRow.at)).group_by(SignInRow.user_id)
        with Session(self._engine) as session:
            return {user_id: _aware(at) for user_id, at in session.execute(query)}
