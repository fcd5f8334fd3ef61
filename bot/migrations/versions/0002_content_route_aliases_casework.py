"""content, route aliases, casework

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 09:25:36.693255
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('content_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('topic', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('aliases', sa.JSON(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('source_url', sa.String(length=500), nullable=False),
    sa.Column('reviewed_on', sa.Date(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('content_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_content_items_slug'), ['slug'], unique=True)
        batch_op.create_index(batch_op.f('ix_content_items_topic'), ['topic'], unique=False)

    op.create_table('handoff_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('channel', sa.String(length=40), nullable=False),
    sa.Column('sender_id', sa.String(length=128), nullable=False),
    sa.Column('contact_method', sa.String(length=20), nullable=False),
    sa.Column('contact_value', sa.String(length=200), nullable=True),
    sa.Column('first_name', sa.String(length=80), nullable=True),
    sa.Column('topic', sa.String(length=300), nullable=False),
    sa.Column('consent', sa.Boolean(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('handled_by', sa.String(length=200), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('handoff_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handoff_requests_sender_id'), ['sender_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_handoff_requests_status'), ['status'], unique=False)

    op.create_table('safeguarding_flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('channel', sa.String(length=40), nullable=False),
    sa.Column('sender_id', sa.String(length=128), nullable=False),
    sa.Column('concerns', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('handled_by', sa.String(length=200), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('safeguarding_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_safeguarding_flags_sender_id'), ['sender_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_safeguarding_flags_status'), ['status'], unique=False)

    with op.batch_alter_table('entry_routes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('aliases', sa.JSON(), nullable=False, server_default='[]'))



def downgrade() -> None:
    with op.batch_alter_table('entry_routes', schema=None) as batch_op:
        batch_op.drop_column('aliases')

    with op.batch_alter_table('safeguarding_flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_safeguarding_flags_status'))
        batch_op.drop_index(batch_op.f('ix_safeguarding_flags_sender_id'))

    op.drop_table('safeguarding_flags')
    with op.batch_alter_table('handoff_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handoff_requests_status'))
        batch_op.drop_index(batch_op.f('ix_handoff_requests_sender_id'))

    op.drop_table('handoff_requests')
    with op.batch_alter_table('content_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_content_items_topic'))
        batch_op.drop_index(batch_op.f('ix_content_items_slug'))

    op.drop_table('content_items')
