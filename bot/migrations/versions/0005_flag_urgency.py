"""safeguarding flags: urgency (immediate danger or not)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 21:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('safeguarding_flags') as batch:
        batch.add_column(sa.Column('urgency', sa.String(length=20), nullable=False,
                                   server_default='standard'))
        batch.create_index('ix_safeguarding_flags_urgency', ['urgency'])


def downgrade() -> None:
    with op.batch_alter_table('safeguarding_flags') as batch:
        batch.drop_index('ix_safeguarding_flags_urgency')
        batch.drop_column('urgency')
