"""Users, passwords (argon2) and tokens (stored as SHA-256 hashes)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.storage.models import CallRow, Role, TokenKind, TokenRow, UserRow

_HASHER = PasswordHasher()
_TOKEN_PREFIX = "wk_"
MAX_NAME = 100


class AccountError(Exception):
    """A user could not be created or changed; the message says why."""


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
            raise AccountError(f"a user named {name!r} already exists") from err
        return User(row_id, name, role, created)

    def set_password(self, user_id: str, password: str) -> None:
        if len(password) < 8:
            raise AccountError("a password has at least 8 characters")
        with Session(self._engine) as session, session.begin():
            row = session.get(UserRow, user_id)
            if row is None:
                raise AccountError("no such user")
            row.password_hash = _HASHER.hash(password)

    def by_id(self, user_id: str) -> User | None:
        with Session(self._engine) as session:
            row = session.get(UserRow, user_id)
            return _user(row) if row else None

    def by_name(self, name: str) -> User | None:
        with Session(self._engine) as session:
            row = session.scalar(select(UserRow).where(UserRow.name == name.strip()))
            return _user(row) if row else None

    def all(self, role: Role | None = None) -> list[User]:
        query = select(UserRow).order_by(UserRow.name)
        if role is not None:
            query = query.where(UserRow.role == str(role))
        with Session(self._engine) as session:
            return [_user(r) for r in session.scalars(query)]

    def check_password(self, name: str, password: str) -> User | None:
        """The user if the password matches; spends the hashing time either way."""
        with Session(self._engine) as session:
            row = session.scalar(select(UserRow).where(UserRow.name == name.strip()))
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

    def issue_token(self, user_id: str, kind: TokenKind, ttl: timedelta | None = None) -> str:
        """A new random token; only its hash is kept, so this is the one time it is seen."""
        token = _TOKEN_PREFIX + secrets.token_urlsafe(32)
        created = now()
        with Session(self._engine) as session, session.begin():
            session.add(TokenRow(token_hash=hash_token(token), user_id=user_id, kind=str(kind),
                                 created_at=created,
                                 expires_at=created + ttl if ttl is not None else None))
        return token

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
            return _user(row) if row else None

    def revoke_token(self, token: str) -> None:
        with Session(self._engine) as session, session.begin():
            session.execute(delete(TokenRow).where(TokenRow.token_hash == hash_token(token)))

    def remove(self, user_id: str) -> None:
        with Session(self._engine) as session, session.begin():
            session.execute(delete(TokenRow).where(TokenRow.user_id == user_id))
            session.execute(delete(UserRow).where(UserRow.id == user_id))
