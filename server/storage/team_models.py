"""Tables of migration 0003 (issue 20): stored scenarios and their versions, the version each
call was played on, assignments, invites and the sign-in log. Same `Base` as models.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from server.storage.models import Base

_TS = DateTime(timezone=True)


class ScenarioRow(Base):
    __tablename__ = "scenarios"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)  # the version new calls start on
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(_TS)
    updated_at: Mapped[datetime] = mapped_column(_TS)
    removed_at: Mapped[datetime | None] = mapped_column(_TS, nullable=True)


class ScenarioVersionRow(Base):
    """A saved scenario body; never changed once written, so old calls replay true."""

    __tablename__ = "scenario_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scenario_id: Mapped[str] = mapped_column(ForeignKey("scenarios.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(_TS)


class AssignmentRow(Base):
    __tablename__ = "assignments"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    scenario: Mapped[str] = mapped_column(String(100))
    difficulty: Mapped[str] = mapped_column(String(16))
    pass_mark: Mapped[float] = mapped_column(Float)
    due_at: Mapped[datetime | None] = mapped_column(_TS, nullable=True)
    everyone: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(_TS)
    removed_at: Mapped[datetime | None] = mapped_column(_TS, nullable=True)


class AssignmentRepRow(Base):
    __tablename__ = "assignment_reps"

    assignment_id: Mapped[str] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)


class CallScenarioRow(Base):
    """The stored scenario version a call was played on (none for built-in and file ones)."""

    __tablename__ = "call_scenarios"

    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"),
                                         primary_key=True)
    scenario_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[int | None] = mapped_column(Integer, nullable=True)


class InviteRow(Base):
    """A one-time sign-up link; only the SHA-256 of its code is kept."""

    __tablename__ = "invites"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    id: Mapped[str] = mapped_column(String(16), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(_TS)
    expires_at: Mapped[datetime] = mapped_column(_TS)
    used_at: Mapped[datetime | None] = mapped_column(_TS, nullable=True)
    used_by: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class SignInRow(Base):
    __tablename__ = "sign_ins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(_TS)
    address: Mapped[str | None] = mapped_column(String(64), nullable=True)
    method: Mapped[str] = mapped_column(String(16))  # password | invite | setup
