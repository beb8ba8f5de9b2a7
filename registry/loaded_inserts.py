"""New rows written with one Core INSERT each, their objects then in the session as if loaded.

A publish inserts a few rows (the app, its package's artifact, the release) that the rest of
the request reads and changes as ORM objects. For them the unit of work's flush (sorting
the mappers, collecting history, synchronising keys) cost several times the statements
themselves. Here each object's row goes in with a prepared INSERT, the object takes the
row's key and defaults, and it joins the session as a persistent object: what it refers
to stays loaded, what it does not know is loaded on first use, and later changes to it are
flushed by the unit of work as usual.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import CursorResult, Insert, Table, insert
from sqlalchemy.orm import Mapper, Session, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.orm.interfaces import MANYTOONE

from registry.models.rules import companions


class LoadedInserts:
    """Inserts new objects of one transaction; ``roll_back`` undoes them."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.inserted: list[Any] = []

    def insert(self, *instances: Any) -> None:
        """Insert the rows of new (transient) ``instances``, in order, and add them to the session
        as loaded.

        An object's columns are what was set on it, the keys of the objects it refers to
        (inserted before it, or persistent), and the columns' defaults or NULL for the rest. They
        join the session together once all are in (adding one adds what it refers to, which
        must not go in as new), with the rows that go in with them (``companions``), which
        the unit of work writes."""
        for instance in instances:
            self._insert(instance)
        for instance in instances:
            self.session.add(instance)
            # What the unit of work adds with a new object (registry.models.rules) joins here.
            self.session.add_all(companions(instance))
        self.inserted.extend(instances)

    def _insert(self, instance: Any) -> None:
        state = instance_state(instance)
        if not state.transient:
            raise ValueError(f"{instance!r} is in a session already: the unit of work writes it")
        mapper: Mapper[Any] = state.mapper
        values = _referred_keys(mapper, state.dict)
        for prop in mapper.column_attrs:
            column = prop.columns[0]
            if prop.key in state.dict:
                values[column.key] = state.dict[prop.key]
            elif column.key in values:  # a referred key
                state.dict[prop.key] = values[column.key]
            elif column.default is not None and not column.primary_key:
                # Evaluated here, not by the statement: the object then holds the value too.
                value = column.default.arg(None) if column.default.is_callable else column.default.arg
                values[column.key] = state.dict[prop.key] = value
            elif column.server_default is None and not column.primary_key:
                state.dict[prop.key] = None  # the row holds NULL: nothing to read back
        table = mapper.local_table
        assert isinstance(table, Table)
        result = self.session.execute(_statement(table), values)
        assert isinstance(result, CursorResult)
        for key_column, key in zip(mapper.primary_key, result.inserted_primary_key or (), strict=True):
            state.dict[mapper.get_property_by_column(key_column).key] = key
        make_transient_to_detached(instance)  # what is set counts as loaded; the rest loads on use

    def roll_back(self) -> None:
        """Roll the session back: the rows are gone, so their objects leave the session too."""
        self.session.rollback()
        for instance in self.inserted:
            if instance in self.session:
                self.session.expunge(instance)
        self.inserted.clear()


@functools.cache
def _statement(table: Table) -> Insert:
    """The INSERT of ``table``, built once (SQLAlchemy compiles it once per set of columns)."""
    return insert(table)


def _referred_keys(mapper: Mapper[Any], loaded: dict[str, Any]) -> dict[str, Any]:
    """The foreign key columns of the objects this one refers to (``release.app``: ``app_id``)."""
    values: dict[str, Any] = {}
    for relationship in mapper.relationships:
        referred = loaded.get(relationship.key)
        if relationship.direction is not MANYTOONE or referred is None:
            continue
        referred_state = instance_state(referred)
        for local, remote in relationship.local_remote_pairs or ():
            key = referred_state.mapper.get_property_by_column(remote).key
            if referred_state.dict.get(key) is None:
                raise ValueError(f"{referred!r} has no row yet: insert it before {relationship}")
            values[str(local.key)] = referred_state.dict[key]
    return values
