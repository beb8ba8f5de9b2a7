"""app.runs_on: the profiles the offered release runs on, kept on the app row

The web store's platform filter and its counts read it instead of joining
releases and verdicts for every app of the catalogue.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 01:00:00.000000
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

app = sa.table("app", sa.column("id", sa.Integer), sa.column("latest_version", sa.String),
               sa.column("runs_on", sa.Text))
release = sa.table("release", sa.column("id", sa.Integer), sa.column("app_id", sa.Integer),
                   sa.column("version", sa.String))
compatibility = sa.table("compatibility", sa.column("release_id", sa.Integer), sa.column("profile_id", sa.Integer),
                         sa.column("compatible", sa.Boolean))
profile = sa.table("platform_profile", sa.column("id", sa.Integer), sa.column("slug", sa.String))


def upgrade() -> None:
    with op.batch_alter_table('app') as batch_op:
        batch_op.add_column(sa.Column('runs_on', sa.Text(), server_default='', nullable=False))
    # Filled as publishing fills it (registry.services.catalogue.refresh_latest_version).
    rows = op.get_bind().execute(
        sa.select(app.c.id, profile.c.slug)
        .join(release, sa.and_(release.c.app_id == app.c.id, release.c.version == app.c.latest_version))
        .join(compatibility, compatibility.c.release_id == release.c.id)
        .join(profile, profile.c.id == compatibility.c.profile_id)
        .where(compatibility.c.compatible.is_(True)))
    profiles: dict[int, set[str]] = defaultdict(set)
    for app_id, slug in rows:
        profiles[app_id].add(slug)
    if profiles:
        op.get_bind().execute(
            app.update().where(app.c.id == sa.bindparam("app_id")).values(runs_on=sa.bindparam("value")),
            [{"app_id": app_id, "value": f",{','.join(sorted(slugs))},"} for app_id, slugs in profiles.items()])


def downgrade() -> None:
    with op.batch_alter_table('app') as batch_op:
        batch_op.drop_column('runs_on')
