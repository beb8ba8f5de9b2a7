"""security advisories (OSV) about apps

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 21:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'advisory',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('advisory_id', sa.String(length=32), nullable=False),
        sa.Column('app_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('aliases', sa.JSON(), nullable=False),
        sa.Column('summary', sa.String(length=200), nullable=False),
        sa.Column('details', sa.Text(), nullable=False),
        sa.Column('severity', sa.JSON(), nullable=False),
        sa.Column('level', sa.String(length=10), nullable=True),
        sa.Column('ranges', sa.JSON(), nullable=False),
        sa.Column('versions', sa.JSON(), nullable=False),
        sa.Column('references', sa.JSON(), nullable=False),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('modified_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_by', sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(['app_id'], ['app.id'], name=op.f('fk_advisory_app_id_app')),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'],
                                name=op.f('fk_advisory_organisation_id_organisation')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_advisory')),
        sa.UniqueConstraint('advisory_id', name=op.f('uq_advisory_advisory_id')),
    )
    with op.batch_alter_table('advisory') as batch:
        batch.create_index(batch.f('ix_advisory_app_id'), ['app_id'], unique=False)
        batch.create_index(batch.f('ix_advisory_modified_at'), ['modified_at'], unique=False)


def downgrade() -> None:
    op.drop_table('advisory')
