"""The dashboard's tables: accounts, sessions, login failures, notes, tags, reviews, corrections, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

INDEXES = {
    "counsellor_audit_log": ["action", "at"],
    "counsellor_corrections": ["conversation_id"],
    "counsellor_login_failures": ["failed_at", "key"],
    "counsellor_notes": ["conversation_id"],
    "counsellor_tags": ["conversation_id"],
    "counsellor_sessions": ["account_id"],
}


def upgrade() -> None:
    """Create the tables and their indexes."""
    op.create_table(
        "counsellor_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("role", sa.Enum("counsellor", "admin", name="counsellor_role", native_enum=False, create_constraint=True), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counsellor_accounts")),
        sa.UniqueConstraint("username", name=op.f("uq_counsellor_accounts_username")),
    )
    op.create_table(
        "counsellor_audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counsellor_audit_log")),
    )
    op.create_table(
        "counsellor_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("predicted_intent", sa.String(length=255), nullable=True),
        sa.Column("intent", sa.String(length=255), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counsellor_corrections")),
        sa.UniqueConstraint("event_id", name=op.f("uq_counsellor_corrections_event_id")),
    )
    op.create_table(
        "counsellor_login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("failed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counsellor_login_failures")),
    )
    op.create_table(
        "counsellor_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counsellor_notes")),
    )
    op.create_table(
        "counsellor_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("reviewer", sa.String(length=64), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counsellor_reviews")),
        sa.UniqueConstraint("conversation_id", name=op.f("uq_counsellor_reviews_conversation_id")),
    )
    op.create_table(
        "counsellor_tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("tag", sa.String(length=40), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counsellor_tags")),
        sa.UniqueConstraint("conversation_id", "tag", name="uq_counsellor_tags_conversation_tag"),
    )
    op.create_table(
        "counsellor_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["counsellor_accounts.id"],
            name=op.f("fk_counsellor_sessions_account_id_counsellor_accounts"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counsellor_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_counsellor_sessions_token_hash")),
    )
    for table, columns in INDEXES.items():
        for column in columns:
            op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def downgrade() -> None:
    """Drop the indexes and the tables."""
    for table, columns in INDEXES.items():
        for column in columns:
            op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
    for table in (
        "counsellor_sessions", "counsellor_tags", "counsellor_reviews", "counsellor_notes",
        "counsellor_login_failures", "counsellor_corrections", "counsellor_audit_log", "counsellor_accounts",
    ):
        op.drop_table(table)
