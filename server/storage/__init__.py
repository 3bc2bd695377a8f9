"""Stored calls, users and recordings (issue 5): SQLAlchemy + Alembic, one WAV per call."""

from __future__ import annotations

from server.storage.accounts import AccountError, Accounts, TokenInfo, User
from server.storage.models import CallStatus, Role, TokenKind
from server.storage.recorder import CALL_ID, CallRecorder, CallStore, StorageError
from server.storage.repository import CallFilter, CallRecord, CallRepository, CallSummary

__all__ = [
    "CALL_ID",
    "AccountError",
    "Accounts",
    "CallFilter",
    "CallRecord",
    "CallRecorder",
    "CallRepository",
    "CallStatus",
    "CallStore",
    "CallSummary",
    "Role",
    "StorageError",
    "TokenInfo",
    "TokenKind",
    "User",
]
