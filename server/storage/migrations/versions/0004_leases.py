"""call leases: which server answers for each live call, until when, and its upload

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29

Several servers share one database (issue 21, docs/deploy.md). Each holds a lease on the
calls it serves and renews it; a lease that lapses (its server died) is taken by another
server, which completes the call's multipart upload from the parts sent and marks the call
interrupted. Calls live before this upgrade have no lease: the next start closes them, as
before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "call_leases",
        sa.Column("call_id", sa.String(32), sa.ForeignKey("calls.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("server_id", sa.String(100), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("upload_id", sa.String(200), nullable=True),
    )
    op.create_index("ix_call_leases_expires_at", "call_leases", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_call_leases_expires_at", table_name="call_leases")
    op.drop_table("call_leases")
