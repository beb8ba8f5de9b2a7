"""full-text search index of apps: FTS5 on SQLite, a Dutch tsvector on PostgreSQL

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 18:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from registry.models.search import SEARCH_DDL, SEARCH_DROP_DDL

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'app_search',
        sa.Column('app_id', sa.Integer(), nullable=False),
        sa.Column('name_text', sa.Text(), nullable=False),
        sa.Column('body_text', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['app_id'], ['app.id'], name=op.f('fk_app_search_app_id_app'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('app_id', name=op.f('pk_app_search')),
    )
    bind = op.get_bind()
    # The engine-specific index is the models' own DDL, so a new database and an upgraded one agree.
    for statement in SEARCH_DDL.get(bind.dialect.name, ()):
        op.execute(statement)
    # Index the apps published before: the same words the service writes at publish.
    from registry.services.search import rebuild

    rebuild(bind)


def downgrade() -> None:
    for statement in SEARCH_DROP_DDL.get(op.get_bind().dialect.name, ()):
        op.execute(statement)
    op.drop_table('app_search')
