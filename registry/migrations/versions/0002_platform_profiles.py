"""platform profiles and the compatibility matrix

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 18:46:41.933000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('platform_profile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_platform_profile')),
    sa.UniqueConstraint('slug', name=op.f('uq_platform_profile_slug'))
    )
    op.create_table('compatibility',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('compatible', sa.Boolean(), nullable=False),
    sa.Column('profile_revision', sa.Integer(), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['platform_profile.id'], name=op.f('fk_compatibility_profile_id_platform_profile')),
    sa.ForeignKeyConstraint(['release_id'], ['release.id'], name=op.f('fk_compatibility_release_id_release')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compatibility')),
    sa.UniqueConstraint('release_id', 'profile_id', name='uq_compatibility_release_profile')
    )
    with op.batch_alter_table('compatibility', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_compatibility_profile_id'), ['profile_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_compatibility_release_id'), ['release_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('compatibility', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_compatibility_release_id'))
        batch_op.drop_index(batch_op.f('ix_compatibility_profile_id'))

    op.drop_table('compatibility')
    op.drop_table('platform_profile')
