"""roles: richer facts (subjects, tariff, training years, earning while training, LSF, licence,
working pattern, field sources); content items: related roles and routes

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 07:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

ROLE_COLUMNS = (
    ('gcse', sa.Text()), ('a_levels', sa.Text()),
    ('ucas_tariff_min', sa.Integer()), ('ucas_tariff_max', sa.Integer()),
    ('training_years_min', sa.Float()), ('training_years_max', sa.Float()),
    ('earn_while_training', sa.Boolean()), ('learning_support_fund', sa.Boolean()),
    ('driving_licence', sa.String(length=20)), ('special_requirements', sa.Text()),
)


def upgrade() -> None:
    with op.batch_alter_table('roles') as batch:
        for name, type_ in ROLE_COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
        batch.add_column(sa.Column('working_pattern', sa.JSON(), nullable=False, server_default='[]'))
        batch.add_column(sa.Column('field_sources', sa.JSON(), nullable=False, server_default='{}'))
    with op.batch_alter_table('content_items') as batch:
        batch.add_column(sa.Column('related_roles', sa.JSON(), nullable=False, server_default='[]'))
        batch.add_column(sa.Column('related_routes', sa.JSON(), nullable=False, server_default='[]'))


def downgrade() -> None:
    with op.batch_alter_table('content_items') as batch:
        batch.drop_column('related_routes')
        batch.drop_column('related_roles')
    with op.batch_alter_table('roles') as batch:
        batch.drop_column('field_sources')
        batch.drop_column('working_pattern')
        for name, _ in reversed(ROLE_COLUMNS):
            batch.drop_column(name)
