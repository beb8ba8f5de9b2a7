"""initiatives: the board of what municipalities plan and build together

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 22:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'initiative',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('problem', sa.Text(), nullable=False),
        sa.Column('phase', sa.String(length=24), nullable=False),
        sa.Column('expected_start', sa.Date(), nullable=True),
        sa.Column('expected_end', sa.Date(), nullable=True),
        sa.Column('budget_min', sa.BigInteger(), nullable=True),
        sa.Column('budget_max', sa.BigInteger(), nullable=True),
        sa.Column('contact', sa.String(length=300), nullable=False),
        sa.Column('lessons_learned', sa.Text(), nullable=True),
        sa.Column('planned_app', sa.String(length=64), nullable=True),
        sa.Column('app_id', sa.Integer(), nullable=True),
        sa.Column('merged_into_id', sa.Integer(), nullable=True),
        sa.Column('created_by', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['app_id'], ['app.id'], name=op.f('fk_initiative_app_id_app')),
        sa.ForeignKeyConstraint(['created_by'], ['organisation.id'],
                                name=op.f('fk_initiative_created_by_organisation')),
        sa.ForeignKeyConstraint(['merged_into_id'], ['initiative.id'],
                                name=op.f('fk_initiative_merged_into_id_initiative')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_initiative')),
    )
    with op.batch_alter_table('initiative', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_initiative_app_id'), ['app_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_initiative_phase'), ['phase'], unique=False)
        batch_op.create_index(batch_op.f('ix_initiative_planned_app'), ['planned_app'], unique=False)
        batch_op.create_index(batch_op.f('ix_initiative_updated_at'), ['updated_at'], unique=False)
    op.create_table(
        'initiative_participant',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('initiative_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'],
                                name=op.f('fk_initiative_participant_initiative_id_initiative')),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'],
                                name=op.f('fk_initiative_participant_organisation_id_organisation')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_initiative_participant')),
        sa.UniqueConstraint('initiative_id', 'organisation_id',
                            name='uq_initiative_participant_initiative_organisation'),
    )
    with op.batch_alter_table('initiative_participant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_initiative_participant_organisation_id'), ['organisation_id'],
                              unique=False)
    op.create_table(
        'initiative_tag',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('initiative_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('value', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'],
                                name=op.f('fk_initiative_tag_initiative_id_initiative')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_initiative_tag')),
        sa.UniqueConstraint('initiative_id', 'kind', 'value', name='uq_initiative_tag_initiative_kind'),
    )
    with op.batch_alter_table('initiative_tag', schema=None) as batch_op:
        batch_op.create_index('ix_initiative_tag_kind_value', ['kind', 'value'], unique=False)
    op.create_table(
        'initiative_ballot',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('initiative_id', sa.Integer(), nullable=False),
        sa.Column('question', sa.String(length=300), nullable=False),
        sa.Column('proposals', sa.JSON(), nullable=False),
        sa.Column('opened_by', sa.Integer(), nullable=False),
        sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('outcome', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'],
                                name=op.f('fk_initiative_ballot_initiative_id_initiative')),
        sa.ForeignKeyConstraint(['opened_by'], ['organisation.id'],
                                name=op.f('fk_initiative_ballot_opened_by_organisation')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_initiative_ballot')),
    )
    with op.batch_alter_table('initiative_ballot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_initiative_ballot_initiative_id'), ['initiative_id'], unique=False)
    op.create_table(
        'initiative_vote',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ballot_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('proposal', sa.String(length=200), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('cast_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['ballot_id'], ['initiative_ballot.id'],
                                name=op.f('fk_initiative_vote_ballot_id_initiative_ballot')),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'],
                                name=op.f('fk_initiative_vote_organisation_id_organisation')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_initiative_vote')),
        sa.UniqueConstraint('ballot_id', 'organisation_id', name='uq_initiative_vote_ballot_organisation'),
    )


def downgrade() -> None:
    op.drop_table('initiative_vote')
    op.drop_table('initiative_ballot')
    op.drop_table('initiative_tag')
    op.drop_table('initiative_participant')
    op.drop_table('initiative')
