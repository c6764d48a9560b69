"""Each account's interface language for the dashboard: Dutch (nl) unless it asks for English (en).

Revision ID: 0004_account_language
Revises: 0003_reply_marks
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_account_language"
down_revision = "0003_reply_marks"
branch_labels = None
depends_on = None

TABLE = "counsellor_accounts"
CHECK = "ck_counsellor_accounts_counsellor_language"  # the name the models' naming convention gives it


def upgrade() -> None:
    """Add the column; existing accounts get Dutch."""
    with op.batch_alter_table(TABLE) as batch:  # batch: SQLite cannot add a CHECK constraint in place
        batch.add_column(
            sa.Column(
                "language",
                sa.Enum("nl", "en", name="counsellor_language", native_enum=False, create_constraint=False),
                nullable=False,
                server_default="nl",
            )
        )
        batch.create_check_constraint(op.f(CHECK), "language IN ('nl', 'en')")


def downgrade() -> None:
    """Drop the constraint and the column."""
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_constraint(op.f(CHECK), type_="check")
        batch.drop_column("language")
