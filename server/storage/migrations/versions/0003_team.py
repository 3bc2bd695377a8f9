"""managers shape the practice: scenarios with versions, assignments, invites, sign-ins

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29

Scenarios written in the browser live in `scenarios` (one row each, the version calls start on)
and `scenario_versions` (every saved body, never changed afterwards, so a call replays on the
version it was played on). `call_scenarios` names that version for each call started on a stored
scenario (an assignment's attempts are the rep's calls on its scenario and difficulty since it
was set: calls need no link to it). `assignments` and `assignment_reps` say what a manager
asked reps to practise; `invites` are one-time sign-up links (only their SHA-256 is kept);
`sign_ins` is who signed in when.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def _user_fk(ondelete: str = "SET NULL") -> sa.ForeignKey:
    return sa.ForeignKey("users.id", ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "scenarios",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),  # the version new calls start on
        sa.Column("created_by", sa.String(32), _user_fk(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("removed_at", _TS, nullable=True),
    )
    op.create_table(
        "scenario_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("scenario_id", sa.String(100),
                  sa.ForeignKey("scenarios.id", ondelete="CASCADE"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("body", sa.JSON, nullable=False),  # the Scenario model's fields
        sa.Column("created_by", sa.String(32), _user_fk(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.UniqueConstraint("scenario_id", "version", name="uq_scenario_versions_version"),
    )
    op.create_table(
        "assignments",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("scenario", sa.String(100), nullable=False),
        sa.Column("difficulty", sa.String(16), nullable=False),
        sa.Column("pass_mark", sa.Float, nullable=False),
        sa.Column("due_at", _TS, nullable=True),
        sa.Column("everyone", sa.Boolean, nullable=False),
        sa.Column("note", sa.String(500), nullable=True),
        sa.Column("created_by", sa.String(32), _user_fk(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("removed_at", _TS, nullable=True),
    )
    op.create_table(
        "assignment_reps",
        sa.Column("assignment_id", sa.String(32),
                  sa.ForeignKey("assignments.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("user_id", sa.String(32), _user_fk(ondelete="CASCADE"), primary_key=True),
    )
    op.create_index("ix_assignment_reps_user_id", "assignment_reps", ["user_id"])
    op.create_table(
        "call_scenarios",
        sa.Column("call_id", sa.String(32), sa.ForeignKey("calls.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("scenario_id", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer, nullable=True),  # None: a built-in or file scenario
    )
    op.create_table(
        "invites",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("id", sa.String(16), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("name", sa.String(100), nullable=True),  # the name suggested, if any
        sa.Column("created_by", sa.String(32), _user_fk(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
        sa.Column("used_at", _TS, nullable=True),
        sa.Column("used_by", sa.String(32), _user_fk(), nullable=True),
    )
    op.create_table(
        "sign_ins",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.String(32), _user_fk(ondelete="CASCADE"), nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.Column("address", sa.String(64), nullable=True),
        sa.Column("method", sa.String(16), nullable=False),  # password | invite | setup
    )
    op.create_index("ix_sign_ins_user_at", "sign_ins", ["user_id", "at"])
    op.create_index("ix_sign_ins_at", "sign_ins", ["at"])


def downgrade() -> None:
    op.drop_index("ix_sign_ins_at", "sign_ins")
    op.drop_index("ix_sign_ins_user_at", "sign_ins")
    for table in ("sign_ins", "invites"):
        op.drop_table(table)
    op.drop_table("call_scenarios")
    op.drop_index("ix_assignment_reps_user_id", "assignment_reps")
    for table in ("assignment_reps", "assignments", "scenario_versions", "scenarios"):
        op.drop_table(table)
