"""Backups of a whole registry, and restoring one into an empty database and store.

A backup is one folder (``layout``): a manifest, the database as JSON lines per
table, the listing of the artifacts, and the artifacts themselves. A folder
rather than one ``.tar``: each blob is written once, verified and renamed into
place by the file store's own code; the backup can be copied or synchronised
file by file (blobs never change, so a second copy of a backup sends only new
ones); and a backup that was interrupted is a hidden ``.partial`` folder, never
something that looks whole. An operator who wants one file tars the folder.

The database dump is rows as JSON, written and read through the models'
metadata, rather than ``pg_dump`` or SQLite's ``.dump``: those speak one
database's dialect, and a registry must move from SQLite to PostgreSQL (and
back) as it grows.
"""

from registry.services.backup.creating import BackupSummary, write_backup
from registry.services.backup.layout import BackupRefused
from registry.services.backup.restoring import RestoreSummary, restore_backup

__all__ = ["BackupRefused", "BackupSummary", "RestoreSummary", "restore_backup", "write_backup"]
