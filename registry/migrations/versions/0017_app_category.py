"""app_category: each app's categories as indexed rows; the results' default order indexed

The web store counts and filters categories through an index instead of
reading the JSON array of every app, and reads the first page of results in
the order of an index on (runs_somewhere, updated_at).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 04:00:00.000000
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

app = sa.table("app", sa.column("id", sa.Integer), sa.column("categories", sa.JSON))
#: Rows per INSERT while filling the new table.
BATCH = 1000


def upgrade() -> None:
    category = op.create_table(
        'app_category',
        sa.Column('app_id', sa.Integer(), nullable=False),
        sa.Column('category', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['app_id'], ['app.id'], name=op.f('fk_app_category_app_id_app'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('app_id', 'category', name=op.f('pk_app_category')),
    )
    op.create_index('ix_app_category_category', 'app_category', ['category', 'app_id'], unique=False)
    op.create_index('ix_app_runs_somewhere_updated_at', 'app', ['runs_somewhere', 'updated_at'], unique=False)
    # Filled as publishing fills it (registry.services.catalogue.keep_categories).
    bind = op.get_bind()
    rows: list[dict[str, object]] = []
    for app_id, categories in bind.execute(sa.select(app.c.id, app.c.categories).order_by(app.c.id)):
        values = json.loads(categories) if isinstance(categories, str) else categories
        rows += [{"app_id": app_id, "category": value} for value in sorted(category_rows(values))]
        if len(rows) >= BATCH:
            bind.execute(category.insert(), rows)
            rows = []
    if rows:
        bind.execute(category.insert(), rows)


def category_rows(values: object) -> set[str]:
    """The rows an app's stored categories make: lower case, once each, as long as the column allows."""
    if not isinstance(values, list):
        return set()
    return {value.lower() for value in values if isinstance(value, str) and 0 < len(value) <= 64}


def downgrade() -> None:
    op.drop_index('ix_app_runs_somewhere_updated_at', table_name='app')
    op.drop_index('ix_app_category_category', table_name='app_category')
    op.drop_table('app_category')
