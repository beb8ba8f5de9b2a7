"""apps in several Common Ground layers; external APIs an environment confirms

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 16:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('app', schema=None) as batch_op:
        batch_op.add_column(sa.Column('layers', sa.String(length=120), nullable=False, server_default=''))
    # Apps published before had one layer at most: it is their only one.
    op.execute("UPDATE app SET layers = ',' || layer || ',' WHERE layer IS NOT NULL")
    with op.batch_alter_table('environment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmed_apis', sa.JSON(), nullable=False, server_default='[]'))


def downgrade() -> None:
    with op.batch_alter_table('environment', schema=None) as batch_op:
        batch_op.drop_column('confirmed_apis')
    with op.batch_alter_table('app', schema=None) as batch_op:
        batch_op.drop_column('layers')
