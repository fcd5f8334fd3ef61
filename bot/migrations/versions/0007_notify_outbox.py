"""notify_outbox: email and text messages for GOV.UK Notify, sent by the worker

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 08:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'notify_outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('booking_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.Column('personalisation', sa.JSON(), nullable=True),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('notify_id', sa.String(length=36), nullable=True),
        sa.Column('delivery_status', sa.String(length=30), nullable=True),
        sa.Column('delivery_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.String(length=300), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('notify_outbox') as batch:
        batch.create_index('ix_notify_outbox_booking_id', ['booking_id'])
        batch.create_index('ix_notify_outbox_next_attempt_at', ['next_attempt_at'])
        batch.create_index('ix_notify_outbox_state', ['state'])
        batch.create_index('ix_notify_outbox_notify_id', ['notify_id'])


def downgrade() -> None:
    op.drop_table('notify_outbox')
