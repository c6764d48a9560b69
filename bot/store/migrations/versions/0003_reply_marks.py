"""Counsellors' marks on bot replies: the wrong route or harmful, with the right route and a reason.

Revision ID: 0003_reply_marks
Revises: 0002_link_clicks
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_reply_marks"
down_revision = "0002_link_clicks"
branch_labels = None
depends_on = None

TABLE = "counsellor_reply_marks"


def upgrade() -> None:
    """Create the table and its index."""
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("wrong_route", "harmful", name="counsellor_reply_mark_kind", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("route", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("predicted_intent", sa.String(length=255), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind != 'wrong_route' OR route IS NOT NULL", name=op.f("ck_counsellor_reply_marks_route_of_wrong_route")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counsellor_reply_marks")),
        sa.UniqueConstraint("event_id", "author", name="uq_counsellor_reply_marks_reply_author"),
    )
    op.create_index(op.f(f"ix_{TABLE}_conversation_id"), TABLE, ["conversation_id"], unique=False)


def downgrade() -> None:
    """Drop the index and the table."""
    op.drop_index(op.f(f"ix_{TABLE}_conversation_id"), table_name=TABLE)
    op.drop_table(TABLE)
