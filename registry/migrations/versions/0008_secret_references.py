"""secrets by reference only; a namespace per app

Values whose names read as secrets (password, token, ...) were stored in
clear in environments; each is replaced by an unresolved reference that the
environment shows as needing attention, and any copy of the value in a kept
plan is replaced by ``<secret: name>``. Existing environments keep their one
shared namespace; new ones get a namespace per app.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 17:00:00.000000
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from sdk.secrets import looks_like_secret_name, shown

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

UNRESOLVED = {"unresolved": True}


def upgrade() -> None:
    with op.batch_alter_table('environment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('namespace_mode', sa.String(length=10), server_default='shared',
                                      nullable=False))
        batch_op.add_column(sa.Column('namespace_prefix', sa.String(length=30), server_default='',
                                      nullable=False))
    with op.batch_alter_table('environment', schema=None) as batch_op:
        batch_op.alter_column('namespace_mode', server_default=None)
        batch_op.alter_column('namespace_prefix', server_default=None)
    _move_secrets_out()


def _move_secrets_out() -> None:
    bind = op.get_bind()
    environment = sa.table('environment', sa.column('id', sa.Integer), sa.column('config', sa.JSON),
                           sa.column('app_config', sa.JSON))
    plan = sa.table('install_plan', sa.column('id', sa.Integer), sa.column('environment_id', sa.Integer),
                    sa.column('result', sa.JSON))
    for env_id, config, app_config in bind.execute(sa.select(environment.c.id, environment.c.config,
                                                             environment.c.app_config)).all():
        removed: dict[str, str] = {}
        config = _without_secrets(config or {}, removed)
        app_config = {app: _without_secrets(values or {}, removed) for app, values in (app_config or {}).items()}
        if not removed:
            continue
        bind.execute(environment.update().where(environment.c.id == env_id)
                     .values(config=config, app_config=app_config))
        for plan_id, result in bind.execute(sa.select(plan.c.id, plan.c.result)
                                            .where(plan.c.environment_id == env_id)).all():
            redacted = _redacted(result, removed)
            if redacted != result:
                bind.execute(plan.update().where(plan.c.id == plan_id).values(result=redacted))


def _without_secrets(values: dict, removed: dict[str, str]) -> dict:
    kept = {}
    for name, value in values.items():
        if isinstance(value, str) and value and looks_like_secret_name(name):
            removed[value] = name
            kept[name] = dict(UNRESOLVED)
        else:
            kept[name] = value
    return kept


def _redacted(node: Any, removed: dict[str, str]) -> Any:
    """``node`` with every text that holds a removed value showing ``<secret: name>`` instead."""
    if isinstance(node, dict):
        return {key: _redacted(value, removed) for key, value in node.items()}
    if isinstance(node, list):
        return [_redacted(value, removed) for value in node]
    if isinstance(node, str):
        for value, name in removed.items():
            node = node.replace(value, shown(name))
    return node


def downgrade() -> None:
    # The values moved out are gone on purpose: unresolved references stay as they are.
    with op.batch_alter_table('environment', schema=None) as batch_op:
        batch_op.drop_column('namespace_prefix')
        batch_op.drop_column('namespace_mode')
