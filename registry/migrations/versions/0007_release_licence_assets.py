"""licence per release, release images in the store, the kind of a commercial download

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 16:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sdk.licences import licence_kind

revision = '0007'
down_revision = '0006'  # chained after main's migrations when main was merged in
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('release_asset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['release_id'], ['release.id'], name=op.f('fk_release_asset_release_id_release')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_release_asset')),
    sa.UniqueConstraint('release_id', 'path', name='uq_release_asset_release_path')
    )
    with op.batch_alter_table('release_asset', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_release_asset_release_id'), ['release_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_release_asset_sha256'), ['sha256'], unique=False)

    with op.batch_alter_table('commercial_download', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), server_default='package', nullable=False))

    with op.batch_alter_table('release', schema=None) as batch_op:
        batch_op.add_column(sa.Column('license', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('license_kind', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('assets_extracted_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('app', schema=None) as batch_op:
        batch_op.add_column(sa.Column('license_kind', sa.String(length=12), nullable=True))

    _decide_licences()

    with op.batch_alter_table('release', schema=None) as batch_op:
        batch_op.alter_column('license', existing_type=sa.String(length=200), nullable=False)
        batch_op.alter_column('license_kind', existing_type=sa.String(length=12), nullable=False)
    with op.batch_alter_table('app', schema=None) as batch_op:
        batch_op.alter_column('license_kind', existing_type=sa.String(length=12), nullable=False)


def _decide_licences() -> None:
    """Each stored release gets the licence its manifest names, normalised; an app
    the licence of its latest release. Images are extracted later, by
    ``appstore-registry fsck --repair`` or on the first request for one."""
    bind = op.get_bind()
    release = sa.table("release", sa.column("id"), sa.column("app_id"), sa.column("version"),
                       sa.column("manifest", sa.JSON), sa.column("license"), sa.column("license_kind"))
    app = sa.table("app", sa.column("id"), sa.column("latest_version"), sa.column("license"),
                   sa.column("license_kind"))
    apps = bind.execute(sa.select(app.c.id, app.c.latest_version, app.c.license)).all()
    latest = {app_id: version for app_id, version, _ in apps}
    decided: dict[int, tuple[str, str]] = {}
    for release_id, app_id, version, manifest in bind.execute(
        sa.select(release.c.id, release.c.app_id, release.c.version, release.c.manifest)
    ).all():
        licence = licence_kind(manifest)
        bind.execute(release.update().where(release.c.id == release_id)
                     .values(license=licence.expression, license_kind=licence.kind))
        if version == latest.get(app_id) or app_id not in decided:
            decided[app_id] = (licence.expression, licence.kind)
    for app_id, _, text in apps:
        if app_id not in decided:  # an app without releases: its own column is all there is
            licence = licence_kind({"license": text})
            decided[app_id] = (licence.expression, licence.kind)
        expression, kind = decided[app_id]
        bind.execute(app.update().where(app.c.id == app_id).values(license=expression, license_kind=kind))


def downgrade() -> None:
    with op.batch_alter_table('app', schema=None) as batch_op:
        batch_op.drop_column('license_kind')
    with op.batch_alter_table('release', schema=None) as batch_op:
        batch_op.drop_column('assets_extracted_at')
        batch_op.drop_column('license_kind')
        batch_op.drop_column('license')
    with op.batch_alter_table('commercial_download', schema=None) as batch_op:
        batch_op.drop_column('kind')
    with op.batch_alter_table('release_asset', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_release_asset_sha256'))
        batch_op.drop_index(batch_op.f('ix_release_asset_release_id'))
    op.drop_table('release_asset')
