"""credentials that can be cut off: token ids and labels, removed users, API tokens expire

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29

Each token gets a public id (lists and revocation name it; for tokens from before, the first
16 hex digits of their hash, which reveal nothing of the token). API tokens that never
expired now expire 90 days after this upgrade (the default of WALKAWAY_API_TOKEN_DAYS).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_API_TOKEN_DAYS = 90


def upgrade() -> None:
    with op.batch_alter_table("users") as users:
        users.add_column(sa.Column("removed_at", _TS, nullable=True))
    with op.batch_alter_table("tokens") as tokens:
        tokens.add_column(sa.Column("id", sa.String(16), nullable=True))
        tokens.add_column(sa.Column("label", sa.String(100), nullable=True))
    table = sa.table("tokens", sa.column("token_hash", sa.String), sa.column("id", sa.String),
                     sa.column("kind", sa.String), sa.column("expires_at", _TS))
    op.execute(table.update().values(id=sa.func.substr(table.c.token_hash, 1, 16)))
    op.execute(table.update().where(table.c.kind == "api", table.c.expires_at.is_(None))
               .values(expires_at=datetime.now(UTC) + timedelta(days=_API_TOKEN_DAYS)))
    with op.batch_alter_table("tokens") as tokens:
        tokens.alter_column("id", existing_type=sa.String(16), nullable=False)
        tokens.create_unique_constraint("uq_tokens_id", ["id"])


def downgrade() -> None:
    with op.batch_alter_table("tokens") as tokens:
        tokens.drop_constraint("uq_tokens_id", type_="unique")
        tokens.drop_column("label")
        tokens.drop_column("id")
    with op.batch_alter_table("users") as users:
        users.drop_column("removed_at")
