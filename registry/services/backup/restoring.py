"""``appstore-registry restore``: a backup into an empty database and an empty store.

Restore takes only a backup of this version's schema revision: the rows are read
through this version's models, which know no other. A backup made by an older
version is restored with that version, then upgraded with ``init`` of this one.

Order, so that a refusal leaves nothing behind: the manifest and the sha256 of
every file of the dump first; then the target must be empty (the schema is
created when the database has none); then the blobs are copied, each verified
against its name on the way in; then every table is loaded in one transaction,
the search index rebuilt, and fsck run on the result, before the commit. When
any step fails, the transaction is rolled back and the blobs this restore wrote
are removed again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, func, inspect, select
from sqlalchemy.exc import DBAPIError

from registry.db import Database
from registry.migrations import upgrade
from registry.services.backup.layout import (
    LISTING,
    BackupRefused,
    Manifest,
    blob_file,
    copy_blob,
    file_entry,
    head_revision,
    table_file,
)
from registry.services.backup.rows import backed_up_tables, insert_rows, link_rows, reset_sequences
from registry.services.fsck import fsck
from registry.services.search import rebuild
from registry.storage import ArtifactStore, check_key

#: How many problems of the restored registry a refusal names.
SHOWN_PROBLEMS = 5


@dataclass
class RestoreSummary:
    rows: int = 0
    tables: int = 0
    artifacts: int = 0
    artifact_bytes: int = 0
    releases_checked: int = 0
    notes: list[str] = field(default_factory=list)  # what fsck found that the backed-up registry had too


def restore_backup(database: Database, store: ArtifactStore, source: Path) -> RestoreSummary:
    """Restore the backup in folder ``source`` into the empty ``database`` and ``store``."""
    manifest = Manifest.read(source)
    _check_backup(database, manifest, source)
    if next(iter(store.keys()), None) is not None:
        raise BackupRefused("The artifact store already holds blobs; restore into an empty one: a new folder, "
                            "or a new bucket or prefix in APPSTORE_STORAGE_URL.")
    _prepare_schema(database, manifest.schema_revision)
    summary = RestoreSummary(tables=len(manifest.tables))
    written: list[str] = []
    try:
        with database.session() as session:
            connection = session.connection()
            _require_empty(connection)
            _copy_blobs(source, manifest, store, summary, written)
            _load_tables(connection, source, manifest, summary)
            report = fsck(session, store)
            damaged = report.missing + report.corrupt + report.orphans
            if damaged:
                raise BackupRefused(f"The restored registry would not be whole ({'; '.join(damaged[:SHOWN_PROBLEMS])}"
                                    f"{' ...' if len(damaged) > SHOWN_PROBLEMS else ''}); nothing was restored. "
                                    "Use another backup.")
            summary.releases_checked = report.checked
            summary.notes = [f"app id claimed without a release: {claim}" for claim in report.unreleased_claims] + \
                [f"images not extracted yet: {label}" for label in report.unextracted]
    except BaseException:
        for key in written:
            store.delete(key)
        raise
    return summary


def _check_backup(database: Database, manifest: Manifest, source: Path) -> None:
    """The backup is of this schema revision, and every file is as the manifest says."""
    head = head_revision(database.url)
    if manifest.schema_revision != head:
        raise BackupRefused(
            f"The backup is of schema revision {manifest.schema_revision}; this version restores revision {head} "
            "only. Restore it with the version of the registry that made it, then upgrade with "
            "`appstore-registry init` of this version.")
    expected = {table.name for table in backed_up_tables()}
    if set(manifest.tables) != expected:
        raise BackupRefused("The backup's tables are not this version's tables; it was altered.")
    paths = {table_file(name) for name in expected} | {LISTING}
    if {entry.path for entry in manifest.files} != paths:
        raise BackupRefused("The backup's manifest does not list the files a backup holds; it was altered.")
    for entry in manifest.files:
        found = file_entry(source, entry.path) if (source / entry.path).is_file() else None
        if found != entry:
            raise BackupRefused(f"{entry.path} in the backup is missing, incomplete or altered (its sha256 is not "
                                "the manifest's); nothing was restored. Use another backup.")


def _prepare_schema(database: Database, revision: str) -> None:
    """Create the schema in a database without one; refuse one at another revision."""
    with database.engine.connect() as connection:
        current = ",".join(sorted(MigrationContext.configure(connection).get_current_heads()))
        tables = inspect(connection).get_table_names()
    if not current and tables:
        raise BackupRefused("The database holds tables but no registry schema; restore into a new, empty database.")
    if not current:
        upgrade(database.url)
    elif current != revision:
        raise BackupRefused(f"The database is at schema revision {current}, not {revision}; restore into a new, "
                            "empty database.")


def _require_empty(connection: Connection) -> None:
    for table in backed_up_tables():
        if connection.scalar(select(func.count()).select_from(table)):
            raise BackupRefused(
                f"The database already holds data (table {table.name} has rows); restore into a new, empty "
                "database (APPSTORE_DATABASE_URL, or a new APPSTORE_DATA_DIR for SQLite) without running "
                "`appstore-registry init` there: restore creates the schema itself.")


def _copy_blobs(source: Path, manifest: Manifest, store: ArtifactStore, summary: RestoreSummary,
                written: list[str]) -> None:
    with (source / LISTING).open(encoding="utf-8") as listing:
        for line in listing:
            key, size = _listed_blob(line)
            stored = copy_blob(
                partial(_read, blob_file(source, key)), store, key,
                missing=f"The blob {key} is listed but not in the backup; nothing was restored. Use another backup.",
                altered=f"The blob {key} in the backup is altered ({{error}}); nothing was restored. "
                        "Use another backup.")
            written.append(key)
            if stored.size != size:
                raise BackupRefused(f"The blob {key} in the backup has {stored.size} bytes, not the listed {size}.")
            summary.artifacts += 1
            summary.artifact_bytes += stored.size
    if summary.artifacts != manifest.artifacts:
        raise BackupRefused(f"The backup lists {summary.artifacts} blobs, its manifest {manifest.artifacts}; "
                            "it was altered.")


def _read(path: Path) -> BinaryIO:
    return path.open("rb")


def _listed_blob(line: str) -> tuple[str, int]:
    try:
        entry: Any = json.loads(line)
        return check_key(entry["sha256"]), int(entry["size"])
    except (ValueError, KeyError, TypeError) as error:
        raise BackupRefused(f"A line of {LISTING} in the backup is not a blob's entry ({error}).") from error


def _load_tables(connection: Connection, source: Path, manifest: Manifest, summary: RestoreSummary) -> None:
    tables = backed_up_tables()
    for table in tables:
        try:
            with (source / table_file(table.name)).open(encoding="utf-8") as lines:
                count = insert_rows(connection, table, lines)
            with (source / table_file(table.name)).open(encoding="utf-8") as lines:
                link_rows(connection, table, lines)
        except DBAPIError as error:
            raise BackupRefused(f"The database refused a row of table {table.name} ({error.orig}); "
                                "nothing was restored.") from error
        if count != manifest.tables[table.name]:
            raise BackupRefused(f"Table {table.name} in the backup has {count} rows, its manifest "
                                f"{manifest.tables[table.name]}; it was altered.")
        summary.rows += count
    reset_sequences(connection, tables)
    rebuild(connection)
