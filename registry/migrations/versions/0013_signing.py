"""signed TUF metadata: which blob holds each version of each role

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 22:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nothing to backfill: a registry signs once an administrator runs `appstore-registry tuf init`,
    # which lists every release published before.
    op.create_table(
        'signed_metadata',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('blob_sha256', sa.String(length=64), nullable=False),
        sa.Column('expires', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_signed_metadata')),
        sa.UniqueConstraint('role', 'version', name='uq_signed_metadata_role_version'),
    )


def downgrade() -> None:
    op.drop_table('signed_metadata')
