"""``appstore-registry backup``: the database and the artifacts it points at, consistent.

Why the backup is consistent while publishes go on: the database is read first,
every table in one read-only transaction (a snapshot: REPEATABLE READ on
PostgreSQL, one WAL read transaction on SQLite), and the keys of the blobs that
snapshot refers to are read in the same transaction. The blobs are copied only
after that. A blob is named by its sha256 and never changes, and releases are
never deleted, so every blob the snapshot names is still in the store when it
is copied; a publish that commits meanwhile adds rows the snapshot does not
hold and blobs the backup does not copy, which is the state before it.
A blob that is missing or altered in the store stops the backup (run fsck).
"""

from __future__ import annotations

import json
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, select, union
from sqlalchemy.orm import Session

from registry.db import Database
from registry.models import Release, ReleaseAsset, SignedMetadata, utcnow
from registry.private_files import private_directory
from registry.services.backup.layout import (
    BLOBS,
    DATABASE,
    LISTING,
    BackupRefused,
    Manifest,
    copy_blob,
    file_entry,
    head_revision,
    new_text_file,
    table_file,
)
from registry.services.backup.rows import backed_up_tables, write_rows
from registry.storage import ArtifactStore, FileSystemStore


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    rows: int
    tables: int
    artifacts: int
    artifact_bytes: int


def write_backup(database: Database, store: ArtifactStore, destination: Path) -> BackupSummary:
    """Write a backup of the registry on ``database`` and ``store`` to the new folder ``destination``.

    It is built in a hidden folder beside ``destination`` and renamed into place when
    whole: an interrupted backup never looks like one.
    """
    _check_destination(destination)
    building = private_directory(destination.parent / f".{destination.name}.partial-{secrets.token_hex(4)}")
    try:
        manifest = Manifest(schema_revision=head_revision(database.url), created_at=utcnow().isoformat(),
                            source_database=database.engine.dialect.name)
        keys = _dump_database(database, building, manifest)
        _copy_blobs(store, keys, building, manifest)
        manifest.write(building)
        if destination.exists():
            destination.rmdir()  # checked empty above
        building.rename(destination)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return BackupSummary(destination, sum(manifest.tables.values()), len(manifest.tables), manifest.artifacts,
                         manifest.artifact_bytes)


def _check_destination(destination: Path) -> None:
    if destination.exists() and not (destination.is_dir() and not any(destination.iterdir())):
        raise BackupRefused(f"{destination} exists and is not an empty folder; give a new folder for the backup "
                            "(a backup never overwrites another).")


def _dump_database(database: Database, folder: Path, manifest: Manifest) -> list[str]:
    """Write every table from one snapshot; the keys of the blobs that snapshot refers to."""
    private_directory(folder / DATABASE)
    with database.session() as session, _snapshot(session) as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
        if ",".join(sorted(current)) != manifest.schema_revision:
            raise BackupRefused(f"The database is at revision {', '.join(sorted(current)) or 'none'}, not at "
                                f"{manifest.schema_revision}: run `appstore-registry init` with this version "
                                "first, then back up.")
        for table in backed_up_tables():
            relative = table_file(table.name)
            with new_text_file(folder / relative) as target:
                manifest.tables[table.name] = write_rows(connection, table, target)
            manifest.files.append(file_entry(folder, relative))
        referenced = union(select(Release.artifact_sha256.label("sha256")),
                           select(ReleaseAsset.sha256.label("sha256")),
                           select(SignedMetadata.blob_sha256.label("sha256"))).order_by("sha256")
        return list(connection.scalars(referenced))


@contextmanager
def _snapshot(session: Session) -> Iterator[Connection]:
    """The session's connection in a transaction that sees one moment of the database."""
    if session.get_bind().dialect.name == "postgresql":
        yield session.connection(execution_options={"isolation_level": "REPEATABLE READ",
                                                    "postgresql_readonly": True})
        return
    connection = session.connection()
    # The sqlite3 module begins no transaction for reads: each SELECT would see its own moment.
    connection.exec_driver_sql("BEGIN")
    yield connection


def _copy_blobs(store: ArtifactStore, keys: list[str], folder: Path, manifest: Manifest) -> None:
    blobs = FileSystemStore(folder / BLOBS)
    with new_text_file(folder / LISTING) as listing:
        for key in keys:
            stored = copy_blob(
                partial(store.open, key), blobs, key,
                missing=f"The blob {key} that the database refers to is not in the store; run "
                        "`appstore-registry fsck` and repair the store before backing up.",
                altered=f"The blob {key} in the store is altered ({{error}}); run `appstore-registry fsck` "
                        "and repair the store before backing up.")
            listing.write(json.dumps({"sha256": key, "size": stored.size}) + "\n")
            manifest.artifacts += 1
            manifest.artifact_bytes += stored.size
    shutil.rmtree(blobs.staging)  # empty: every write finished
    manifest.files.append(file_entry(folder, LISTING))

