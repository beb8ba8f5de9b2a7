"""confusables skeletons of app ids and names, for refusing look-alikes

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('app', schema=None) as batch_op:
        batch_op.add_column(sa.Column('id_skeleton', sa.String(length=64), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('name_skeleton', sa.String(length=64), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('name_cased_skeleton', sa.String(length=64), nullable=False,
                                      server_default=''))
        batch_op.create_index(batch_op.f('ix_app_id_skeleton'), ['id_skeleton'], unique=False)
        batch_op.create_index(batch_op.f('ix_app_name_skeleton'), ['name_skeleton'], unique=False)
        batch_op.create_index(batch_op.f('ix_app_name_cased_skeleton'), ['name_cased_skeleton'], unique=False)
    _backfill()


def _backfill() -> None:
    """Every existing app gets the skeletons a publish now stores."""
    from registry.services.lookalikes import cased_skeleton_digest, skeleton_digest

    bind = op.get_bind()
    app = sa.table('app', sa.column('id', sa.Integer), sa.column('slug', sa.String),
                   sa.column('name', sa.String), sa.column('id_skeleton', sa.String),
                   sa.column('name_skeleton', sa.String), sa.column('name_cased_skeleton', sa.String))
    for row in bind.execute(sa.select(app.c.id, app.c.slug, app.c.name)).all():
        bind.execute(app.update().where(app.c.id == row.id).values(
            id_skeleton=skeleton_digest(row.slug), name_skeleton=skeleton_digest(row.name or ''),
            name_cased_skeleton=cased_skeleton_digest(row.name or '')))


def downgrade() -> None:
    with op.batch_alter_table('app', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_app_name_cased_skeleton'))
        batch_op.drop_index(batch_op.f('ix_app_name_skeleton'))
        batch_op.drop_index(batch_op.f('ix_app_id_skeleton'))
        batch_op.drop_column('name_cased_skeleton')
        batch_op.drop_column('name_skeleton')
        batch_op.drop_column('id_skeleton')
