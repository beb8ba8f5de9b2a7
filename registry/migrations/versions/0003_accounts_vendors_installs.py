"""accounts, commercial modules, environments and installations

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 19:23:42.696143
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sign_in_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_attempt'))
    )
    with op.batch_alter_table('sign_in_attempt', schema=None) as batch_op:
        batch_op.create_index('ix_sign_in_attempt_address_at', ['address', 'at'], unique=False)
        batch_op.create_index('ix_sign_in_attempt_email_at', ['email', 'at'], unique=False)

    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_sign_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('email', name=op.f('uq_user_account_email'))
    )
    op.create_table('environment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('config', sa.JSON(), nullable=False),
    sa.Column('app_config', sa.JSON(), nullable=False),
    sa.Column('promote_from_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_environment_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['profile_id'], ['platform_profile.id'], name=op.f('fk_environment_profile_id_platform_profile')),
    sa.ForeignKeyConstraint(['promote_from_id'], ['environment.id'], name=op.f('fk_environment_promote_from_id_environment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_environment')),
    sa.UniqueConstraint('organisation_id', 'name', name='uq_environment_organisation_name')
    )
    with op.batch_alter_table('environment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_environment_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_environment_profile_id'), ['profile_id'], unique=False)

    op.create_table('membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_membership_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_membership_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_membership')),
    sa.UniqueConstraint('user_id', 'organisation_id', name='uq_membership_user_organisation')
    )
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_membership_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_membership_user_id'), ['user_id'], unique=False)

    op.create_table('organisation_preference',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('show_in_adoption', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_organisation_preference_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_organisation_preference'))
    )
    op.create_table('entitlement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('app_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('granted_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['app.id'], name=op.f('fk_entitlement_app_id_app')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_entitlement_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entitlement')),
    sa.UniqueConstraint('app_id', 'organisation_id', name='uq_entitlement_app_organisation')
    )
    with op.batch_alter_table('entitlement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entitlement_app_id'), ['app_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entitlement_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('install_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('environment_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('request', sa.JSON(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['environment_id'], ['environment.id'], name=op.f('fk_install_plan_environment_id_environment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_install_plan'))
    )
    with op.batch_alter_table('install_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_install_plan_environment_id'), ['environment_id'], unique=False)

    op.create_table('interest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('app_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['app.id'], name=op.f('fk_interest_app_id_app')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_interest_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interest')),
    sa.UniqueConstraint('app_id', 'organisation_id', name='uq_interest_app_organisation')
    )
    with op.batch_alter_table('interest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interest_app_id'), ['app_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_interest_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('listing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('app_id', sa.Integer(), nullable=False),
    sa.Column('pricing_model', sa.String(length=20), nullable=False),
    sa.Column('pricing_note', sa.Text(), nullable=False),
    sa.Column('hosting', sa.JSON(), nullable=False),
    sa.Column('support_hours', sa.String(length=20), nullable=False),
    sa.Column('support_note', sa.Text(), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('contact_phone', sa.String(length=40), nullable=True),
    sa.Column('contact_url', sa.String(length=500), nullable=True),
    sa.Column('framework_name', sa.String(length=200), nullable=True),
    sa.Column('framework_url', sa.String(length=500), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['app.id'], name=op.f('fk_listing_app_id_app')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing')),
    sa.UniqueConstraint('app_id', name=op.f('uq_listing_app_id'))
    )
    op.create_table('api_provision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('app_id', sa.Integer(), nullable=False),
    sa.Column('api', sa.String(length=64), nullable=False),
    sa.Column('version', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['app.id'], name=op.f('fk_api_provision_app_id_app')),
    sa.ForeignKeyConstraint(['release_id'], ['release.id'], name=op.f('fk_api_provision_release_id_release')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_provision')),
    sa.UniqueConstraint('release_id', 'api', name='uq_api_provision_release_api')
    )
    with op.batch_alter_table('api_provision', schema=None) as batch_op:
        batch_op.create_index('ix_api_provision_api_app', ['api', 'app_id'], unique=False)

    op.create_table('commercial_download',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('app_id', sa.Integer(), nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['app.id'], name=op.f('fk_commercial_download_app_id_app')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_commercial_download_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['release_id'], ['release.id'], name=op.f('fk_commercial_download_release_id_release')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commercial_download'))
    )
    with op.batch_alter_table('commercial_download', schema=None) as batch_op:
        batch_op.create_index('ix_commercial_download_app_at', ['app_id', 'at'], unique=False)

    op.create_table('installation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('environment_id', sa.Integer(), nullable=False),
    sa.Column('app_id', sa.Integer(), nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('installed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['app.id'], name=op.f('fk_installation_app_id_app')),
    sa.ForeignKeyConstraint(['environment_id'], ['environment.id'], name=op.f('fk_installation_environment_id_environment')),
    sa.ForeignKeyConstraint(['release_id'], ['release.id'], name=op.f('fk_installation_release_id_release')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_installation')),
    sa.UniqueConstraint('environment_id', 'app_id', name='uq_installation_environment_app')
    )
    with op.batch_alter_table('installation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_installation_app_id'), ['app_id'], unique=False)

    op.create_table('installation_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('environment_id', sa.Integer(), nullable=False),
    sa.Column('app_id', sa.Integer(), nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('previous_release_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['app.id'], name=op.f('fk_installation_event_app_id_app')),
    sa.ForeignKeyConstraint(['environment_id'], ['environment.id'], name=op.f('fk_installation_event_environment_id_environment')),
    sa.ForeignKeyConstraint(['plan_id'], ['install_plan.id'], name=op.f('fk_installation_event_plan_id_install_plan')),
    sa.ForeignKeyConstraint(['previous_release_id'], ['release.id'], name=op.f('fk_installation_event_previous_release_id_release')),
    sa.ForeignKeyConstraint(['release_id'], ['release.id'], name=op.f('fk_installation_event_release_id_release')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_installation_event'))
    )
    with op.batch_alter_table('installation_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_installation_event_environment_id'), ['environment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_installation_event_release_id'), ['release_id'], unique=False)

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('identifier_type', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('identifier', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('verified_by', sa.String(length=100), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_organisation_identifier'), ['identifier'])

    _index_existing_providers()


def _index_existing_providers() -> None:
    """Fill the API provider index for releases published before it existed."""
    release = sa.table("release", sa.column("id"), sa.column("app_id"), sa.column("manifest", sa.JSON))
    provision = sa.table("api_provision", sa.column("release_id"), sa.column("app_id"),
                         sa.column("api"), sa.column("version"))
    rows = []
    for release_id, app_id, manifest in op.get_bind().execute(
        sa.select(release.c.id, release.c.app_id, release.c.manifest)
    ):
        seen: set[str] = set()
        for item in (manifest or {}).get("provides") or ():
            api, version = (item.get("api"), item.get("version")) if isinstance(item, dict) else (None, None)
            if isinstance(api, str) and isinstance(version, str) and api not in seen:
                seen.add(api)
                rows.append({"release_id": release_id, "app_id": app_id, "api": api, "version": version})
    if rows:
        op.bulk_insert(provision, rows)


def downgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_organisation_identifier'), type_='unique')
        batch_op.drop_column('verified_by')
        batch_op.drop_column('verified_at')
        batch_op.drop_column('identifier')
        batch_op.drop_column('identifier_type')

    with op.batch_alter_table('installation_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_installation_event_release_id'))
        batch_op.drop_index(batch_op.f('ix_installation_event_environment_id'))

    op.drop_table('installation_event')
    with op.batch_alter_table('installation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_installation_app_id'))

    op.drop_table('installation')
    with op.batch_alter_table('commercial_download', schema=None) as batch_op:
        batch_op.drop_index('ix_commercial_download_app_at')

    op.drop_table('commercial_download')
    with op.batch_alter_table('api_provision', schema=None) as batch_op:
        batch_op.drop_index('ix_api_provision_api_app')

    op.drop_table('api_provision')
    op.drop_table('listing')
    with op.batch_alter_table('interest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interest_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_interest_app_id'))

    op.drop_table('interest')
    with op.batch_alter_table('install_plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_install_plan_environment_id'))

    op.drop_table('install_plan')
    with op.batch_alter_table('entitlement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entitlement_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_entitlement_app_id'))

    op.drop_table('entitlement')
    op.drop_table('organisation_preference')
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_membership_user_id'))
        batch_op.drop_index(batch_op.f('ix_membership_organisation_id'))

    op.drop_table('membership')
    with op.batch_alter_table('environment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_environment_profile_id'))
        batch_op.drop_index(batch_op.f('ix_environment_organisation_id'))

    op.drop_table('environment')
    op.drop_table('user_account')
    with op.batch_alter_table('sign_in_attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_sign_in_attempt_email_at')
        batch_op.drop_index('ix_sign_in_attempt_address_at')

    op.drop_table('sign_in_attempt')
