"""Users, passwords (argon2) and tokens (stored as SHA-256 hashes)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from server.storage.models import CallRow, Role, TokenKind, TokenRow, UserRow

_HASHER = PasswordHasher()
_TOKEN_PREFIX = "wk_"
MAX_NAME = 100


class AccountError(Exception):
    """A user could not be created or changed; the message says why."""


@dataclass(frozen=True)
class TokenInfo:
    """A token as lists show it: never its value."""

    id: str
    user_id: str
    kind: TokenKind
    label: str | None
    created_at: datetime
    expires_at: datetime | None


@dataclass(frozen=True)
class User:
    id: str
    name: str
    role: Role
    created_at: datetime

    @property
    def is_manager(self) -> bool:
        return self.role is Role.MANAGER


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything stored is UTC
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _user(row: UserRow) -> User:
    return User(row.id, row.name, Role(row.role), _aware(row.created_at))


def _token_info(row: TokenRow) -> TokenInfo:
    return TokenInfo(row.id, row.user_id, TokenKind(row.kind), row.label,
                     _aware(row.created_at),
                     _aware(row.expires_at) if row.expires_at is not None else None)


def _active_name(name: str) -> ColumnElement[bool]:
    return (UserRow.name == name.strip()) & UserRow.removed_at.is_(None)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def now() -> datetime:
    return datetime.now(UTC)


class Accounts:
    """Sync data access for users and tokens; call from threads, never from the event loop."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def count(self) -> int:
        with Session(self._engine) as session:
            return session.scalar(select(func.count()).select_from(UserRow)) or 0

    def create(self, name: str, role: Role, password: str | None = None) -> User:
        name = name.strip()
        if not name or len(name) > MAX_NAME:
            raise AccountError(f"a user name has 1 to {MAX_NAME} characters")
        if password is not None and len(password) < 8:
            raise AccountError("a password has at least 8 characters")
        row_id, created = uuid.uuid4().hex, now()
        row = UserRow(id=row_id, name=name, role=str(role),
                      password_hash=_HASHER.hash(password) if password else None,
                      created_at=created)
        try:
            with Session(self._engine) as session, session.begin():
                session.add(row)
        except IntegrityError as err:
            removed = self.by_name(name) is None
            raise AccountError(f"a user named {name!r} already exists"
                               + (" (removed; their calls keep the name)" if removed else "")
                               ) from err
        return User(row_id, name, role, created)

    def set_password(self, user_id: str, password: str, keep_session: str | None = None) -> int:
        """Set the password and end every browser session but `keep_session` (the one that
        changed it); returns how many sessions ended."""
        if len(password) < 8:
            raise AccountError("a password has at least 8 characters")
        with Session(self._engine) as session, session.begin():
            row = session.get(UserRow, user_id)
            if row is None or row.removed_at is not None:
                raise AccountError("no such user")
            row.password_hash = _HASHER.hash(password)
            ended = delete(TokenRow).where(TokenRow.user_id == user_id,
                                           TokenRow.kind == str(TokenKind.SESSION))
            if keep_session is not None:
                ended = ended.where(TokenRow.token_hash != hash_token(keep_session))
            return session.execute(ended).rowcount or 0

    def by_id(self, user_id: str) -> User | None:
        """A user who has not been removed."""
        with Session(self._engine) as session:
            row = session.get(UserRow, user_id)
            return _user(row) if row and row.removed_at is None else None

    def by_name(self, name: str) -> User | None:
        """A user who has not been removed."""
        with Session(self._engine) as session:
            row = session.scalar(select(UserRow).where(_active_name(name)))
            return _user(row) if row else None

    def all(self, role: Role | None = None) -> list[User]:
        query = select(UserRow).where(UserRow.removed_at.is_(None)).order_by(UserRow.name)
        if role is not None:
            query = query.where(UserRow.role == str(role))
        with Session(self._engine) as session:
            return [_user(r) for r in session.scalars(query)]

    def check_password(self, name: str, password: str) -> User | None:
        """The user if the password matches; spends the hashing time either way."""
        with Session(self._engine) as session:
            row = session.scalar(select(UserRow).where(_active_name(name)))
        stored = row.password_hash if row is not None else None
        try:
            if stored is None:
                _HASHER.hash(password)  # same cost as a miss, so timing does not reveal names
                return None
            _HASHER.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        return _user(row) if row is not None else None

    def upload_seconds(self, user_id: str) -> float:
        """Seconds of uploaded recordings stored for the user (their upload quota's use)."""
        with Session(self._engine) as session:
            return float(session.scalar(
                select(func.coalesce(func.sum(CallRow.duration), 0.0))
                .where(CallRow.user_id == user_id, CallRow.source == "upload")) or 0.0)

    def issue_token(self, user_id: str, kind: TokenKind, ttl: timedelta | None = None,
                    label: str | None = None) -> str:
        """A new random token; only its hash is kept, so this is the one time it is seen."""
        return self.issue(user_id, kind, ttl, label)[0]

    def issue(self, user_id: str, kind: TokenKind, ttl: timedelta | None = None,
              label: str | None = None) -> tuple[str, TokenInfo]:
        """A new random token and what lists will show of it."""
        token = _TOKEN_PREFIX + secrets.token_urlsafe(32)
        created = now()
        row = TokenRow(token_hash=hash_token(token), id=secrets.token_hex(8), user_id=user_id,
                       kind=str(kind), created_at=created,
                       expires_at=created + ttl if ttl is not None else None, label=label)
        info = _token_info(row)
        with Session(self._engine) as session, session.begin():
            session.add(row)
        return token, info

    def user_for_token(self, token: str, kind: TokenKind | None = None) -> User | None:
        if not token.startswith(_TOKEN_PREFIX) or len(token) > 200:
            return None
        with Session(self._engine) as session:
            found = session.get(TokenRow, hash_token(token))
            if found is None or (kind is not None and found.kind != str(kind)):
                return None
            if found.expires_at is not None and _aware(found.expires_at) <= now():
                return None
            row = session.get(UserRow, found.user_id)
            return _user(row) if row and row.removed_at is None else None

    def tokens(self, user_id: str, kind: TokenKind = TokenKind.API) -> list[TokenInfo]:
        """The user's tokens of one kind, oldest first (expired ones too, until revoked)."""
        query = (select(TokenRow).where(TokenRow.user_id == user_id, TokenRow.kind == str(kind))
                 .order_by(TokenRow.created_at))
        with Session(self._engine) as session:
            return [_token_info(row) for row in session.scalars(query)]

    def token_by_id(self, token_id: str) -> TokenInfo | None:
        with Session(self._engine) as session:
            row = session.scalar(select(TokenRow).where(TokenRow.id == token_id))
            return _token_info(row) if row else None

    def revoke_token(self, token: str) -> bool:
        """Revoke a token given its value; whether there was one."""
        with Session(self._engine) as session, session.begin():
            gone = session.execute(delete(TokenRow).where(TokenRow.token_hash == hash_token(token)))
            return bool(gone.rowcount)

    def revoke_token_id(self, token_id: str) -> bool:
        """Revoke a token by the id lists show; whether there was one."""
        with Session(self._engine) as session, session.begin():
            return bool(session.execute(delete(TokenRow).where(TokenRow.id == token_id)).rowcount)

    def revoke_all(self, user_id: str) -> int:
        """End every session and API token of the user (their known browsers stay known);
        returns how many."""
        kinds = (str(TokenKind.SESSION), str(TokenKind.API))
        with Session(self._engine) as session, session.begin():
            gone = session.execute(delete(TokenRow).where(TokenRow.user_id == user_id,
                                                          TokenRow.kind.in_(kinds)))
            return gone.rowcount or 0

    def remove(self, user_id: str) -> None:
        """Revoke everything the user holds and stop them signing in; their calls stay,
        under their name."""
        with Session(self._engine) as session, session.begin():
            session.execute(delete(TokenRow).where(TokenRow.user_id == user_id))
            session.execute(update(UserRow).where(UserRow.id == user_id)
                            .values(removed_at=now(), password_hash=None))
