"""staff_alert_marks: how far the team has been alerted about handoffs and urgent flags

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 08:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'staff_alert_marks',
        sa.Column('subject', sa.String(length=30), nullable=False),
        sa.Column('last_item_id', sa.Integer(), nullable=False),
        sa.Column('alerted_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('subject'),
    )


def downgrade() -> None:
    op.drop_table('staff_alert_marks')
