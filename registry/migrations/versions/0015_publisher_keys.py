"""publisher keys: organisations' Ed25519 keys and the signatures on releases

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 23:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'publisher_key',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('public_key', sa.String(length=44), nullable=False),
        sa.Column('label', sa.String(length=100), nullable=False),
        sa.Column('created_by', sa.String(length=100), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_by', sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'],
                                name=op.f('fk_publisher_key_organisation_id_organisation')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_publisher_key')),
        sa.UniqueConstraint('fingerprint', name=op.f('uq_publisher_key_fingerprint')),
    )
    with op.batch_alter_table('publisher_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publisher_key_organisation_id'), ['organisation_id'], unique=False)
    op.create_table(
        'release_signature',
        sa.Column('release_id', sa.Integer(), nullable=False),
        sa.Column('key_id', sa.Integer(), nullable=False),
        sa.Column('signature', sa.String(length=88), nullable=False),
        sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['key_id'], ['publisher_key.id'],
                                name=op.f('fk_release_signature_key_id_publisher_key')),
        sa.ForeignKeyConstraint(['release_id'], ['release.id'],
                                name=op.f('fk_release_signature_release_id_release')),
        sa.PrimaryKeyConstraint('release_id', name=op.f('pk_release_signature')),
    )
    with op.batch_alter_table('release_signature', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_release_signature_key_id'), ['key_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('release_signature', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_release_signature_key_id'))
    op.drop_table('release_signature')
    with op.batch_alter_table('publisher_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publisher_key_organisation_id'))
    op.drop_table('publisher_key')
