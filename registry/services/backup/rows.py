"""Table rows as JSON lines and back, through the models' metadata, so that any
database the registry runs on reads what any other wrote.

Values are what SQLAlchemy's types hand over: JSON columns stay JSON, moments
become ISO 8601 text with their offset and come back as aware datetimes.
Tables are read in batches from a streaming cursor and written in batches,
so no table is ever whole in memory.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import IO, Any

from sqlalchemy import Column, Connection, Table, TypeDecorator, bindparam, func, select, update

from registry.models import AppSearchEntry, Base
from registry.services.backup.layout import BackupRefused

#: Rows per fetch and per insert.
BATCH = 1000
#: Derived from other tables and rebuilt after a restore (its index lives outside the models).
DERIVED = frozenset({AppSearchEntry.__tablename__})


def backed_up_tables() -> list[Table]:
    """The tables a backup holds, parents before the tables that refer to them."""
    return [table for table in Base.metadata.sorted_tables if table.name not in DERIVED]


def write_rows(connection: Connection, table: Table, target: IO[str]) -> int:
    """Every row of ``table`` as a line of JSON, in primary-key order; how many."""
    count = 0
    query = select(table).order_by(*table.primary_key.columns)
    result = connection.execution_options(yield_per=BATCH).execute(query)
    for partition in result.partitions():
        for row in partition:
            target.write(json.dumps(dict(row._mapping), default=_as_json, ensure_ascii=False,
                                    separators=(",", ":")))
            target.write("\n")
            count += 1
    return count


def _as_json(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"a {type(value).__name__} value has no place in a backup yet")


def self_references(table: Table) -> list[Column[Any]]:
    """Columns of ``table`` that point at another row of the same table (a row may come before
    the one it points at, so these are filled in after the whole table is in)."""
    return [key.parent for key in table.foreign_keys if key.column.table is table]


def insert_rows(connection: Connection, table: Table, lines: Iterable[str]) -> int:
    """Insert the rows that ``write_rows`` wrote, leaving self-references empty; how many."""
    decode = _row_decoder(table)
    postponed = {column.name: None for column in self_references(table)}
    count = 0
    for batch in _batches(decode(line) | postponed for line in lines):
        connection.execute(table.insert(), batch)
        count += len(batch)
    return count


def link_rows(connection: Connection, table: Table, lines: Iterable[str]) -> None:
    """Fill in the self-references that ``insert_rows`` left empty, from the same lines."""
    columns = self_references(table)
    if not columns:
        return
    (key,) = table.primary_key.columns
    decode = _row_decoder(table)
    statement = (update(table).where(key == bindparam("row_key"))
                 .values({column.name: bindparam(f"new_{column.name}") for column in columns}))
    rows = (decode(line) for line in lines)
    links = ({"row_key": row[key.name], **{f"new_{column.name}": row[column.name] for column in columns}}
             for row in rows if any(row[column.name] is not None for column in columns))
    for batch in _batches(links):
        connection.execute(statement, batch)


def reset_sequences(connection: Connection, tables: Iterable[Table]) -> None:
    """On PostgreSQL, move each serial key's sequence past the restored rows, so that the next
    row gets a new id (SQLite takes the next rowid from the table itself)."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or keys[0].autoincrement not in (True, "auto") or _python_type(keys[0]) is not int:
            continue
        highest = connection.scalar(select(func.max(keys[0])))
        sequence = connection.scalar(select(func.pg_get_serial_sequence(table.name, keys[0].name)))
        if sequence is not None:
            connection.execute(select(func.setval(sequence, highest or 1, highest is not None)))


def _row_decoder(table: Table) -> Callable[[str], dict[str, Any]]:
    """Turns a line back into a row of ``table``; refuses a row with other columns."""
    columns = set(table.columns.keys())
    moments = {column.name for column in table.columns if _python_type(column) is datetime}

    def decode(line: str) -> dict[str, Any]:
        row = json.loads(line)
        if not isinstance(row, dict) or set(row) != columns:
            raise BackupRefused(f"A row of table {table.name} in the backup does not have the table's columns; "
                                "the backup was not made at this schema revision, or was altered.")
        for name in moments:
            if row[name] is not None:
                row[name] = datetime.fromisoformat(row[name])
        return row

    return decode


def _python_type(column: Column[Any]) -> type | None:
    kind = column.type
    if isinstance(kind, TypeDecorator):  # its own python_type says nothing; what it stores does
        kind = kind.impl_instance
    try:
        return kind.python_type
    except NotImplementedError:
        return None


def _batches(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch
