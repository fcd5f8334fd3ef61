"""catalogue

Revision ID: 0001
Revises:
Create Date: 2026-11-22 08:52:37.275866
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('entry_routes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('min_age', sa.Integer(), nullable=True),
    sa.Column('source_url', sa.String(length=500), nullable=False),
    sa.Column('reviewed_on', sa.Date(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('entry_routes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entry_routes_slug'), ['slug'], unique=True)

    op.create_table('pay_bands',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pay_year', sa.String(length=9), nullable=False),
    sa.Column('nation', sa.String(length=20), nullable=False),
    sa.Column('band', sa.String(length=3), nullable=False),
    sa.Column('minimum', sa.Integer(), nullable=False),
    sa.Column('maximum', sa.Integer(), nullable=False),
    sa.Column('source_url', sa.String(length=500), nullable=False),
    sa.Column('reviewed_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('pay_year', 'nation', 'band')
    )
    op.create_table('roles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('career_area', sa.String(length=60), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('day_to_day', sa.Text(), nullable=False),
    sa.Column('entry_requirements', sa.Text(), nullable=False),
    sa.Column('band_min', sa.String(length=3), nullable=True),
    sa.Column('band_max', sa.String(length=3), nullable=True),
    sa.Column('pay_note', sa.Text(), nullable=True),
    sa.Column('registration_body', sa.String(length=200), nullable=True),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('works_with', sa.Text(), nullable=False),
    sa.Column('hours', sa.Text(), nullable=False),
    sa.Column('progression', sa.Text(), nullable=False),
    sa.Column('source_url', sa.String(length=500), nullable=False),
    sa.Column('reviewed_on', sa.Date(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('roles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roles_career_area'), ['career_area'], unique=False)
        batch_op.create_index(batch_op.f('ix_roles_slug'), ['slug'], unique=True)

    op.create_table('role_aliases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.Column('alias', sa.String(length=160), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['role_id'], ['roles.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('role_id', 'alias')
    )
    with op.batch_alter_table('role_aliases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_aliases_role_id'), ['role_id'], unique=False)

    op.create_table('role_entry_routes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.Column('route_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['role_id'], ['roles.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['route_id'], ['entry_routes.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('role_id', 'route_id')
    )
    with op.batch_alter_table('role_entry_routes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_entry_routes_role_id'), ['role_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('role_entry_routes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_entry_routes_role_id'))

    op.drop_table('role_entry_routes')
    with op.batch_alter_table('role_aliases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_aliases_role_id'))

    op.drop_table('role_aliases')
    with op.batch_alter_table('roles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roles_slug'))
        batch_op.drop_index(batch_op.f('ix_roles_career_area'))

    op.drop_table('roles')
    op.drop_table('pay_bands')
    with op.batch_alter_table('entry_routes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entry_routes_slug'))

    op.drop_table('entry_routes')
