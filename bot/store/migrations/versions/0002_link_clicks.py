"""The funnel's link clicks: which help line's phone, chat or website link a conversation opened, and when.

Revision ID: 0002_link_clicks
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_link_clicks"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLE = "counsellor_link_clicks"
INDEXED = ("clicked_at", "conversation_id")


def upgrade() -> None:
    """Create the table and its indexes."""
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("helpline", sa.String(length=64), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("phone", "chat", "website", name="counsellor_link_kind", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("route", sa.String(length=64), nullable=True),
        sa.Column("clicked_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counsellor_link_clicks")),
        sa.UniqueConstraint("conversation_id", "helpline", "kind", name="uq_counsellor_link_clicks_conversation_line"),
    )
    for column in INDEXED:
        op.create_index(op.f(f"ix_{TABLE}_{column}"), TABLE, [column], unique=False)


def downgrade() -> None:
    """Drop the indexes and the table."""
    for column in INDEXED:
        op.drop_index(op.f(f"ix_{TABLE}_{column}"), table_name=TABLE)
    op.drop_table(TABLE)
