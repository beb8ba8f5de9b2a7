"""findings keep their data and kind; a verdict says whether a release runs and meets the policy

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 15:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Findings stored before have only their English message: their data stays empty,
    # and the pages show that message as it was written.
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.add_column(sa.Column('data', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('kind', sa.String(length=10), nullable=True))
    # Verdicts stored before were one flag: a release judged compatible ran and met every
    # policy; one judged otherwise is taken as not running until `appstore-registry reverify`
    # judges it again with the three kinds.
    with op.batch_alter_table('compatibility', schema=None) as batch_op:
        batch_op.add_column(sa.Column('runs', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('meets_policy', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('failed_policies', sa.JSON(), nullable=False, server_default='[]'))
    op.execute("UPDATE compatibility SET runs = compatible")
    with op.batch_alter_table('app', schema=None) as batch_op:
        batch_op.add_column(sa.Column('runs_somewhere', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(
        "UPDATE app SET runs_somewhere = EXISTS (SELECT 1 FROM release"
        " JOIN compatibility ON compatibility.release_id = release.id"
        " JOIN platform_profile ON platform_profile.id = compatibility.profile_id"
        " WHERE release.app_id = app.id AND release.status = 'published'"
        " AND compatibility.runs AND platform_profile.status = 'active')"
    )


def downgrade() -> None:
    with op.batch_alter_table('app', schema=None) as batch_op:
        batch_op.drop_column('runs_somewhere')
    with op.batch_alter_table('compatibility', schema=None) as batch_op:
        batch_op.drop_column('failed_policies')
        batch_op.drop_column('meets_policy')
        batch_op.drop_column('runs')
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.drop_column('kind')
        batch_op.drop_column('data')
