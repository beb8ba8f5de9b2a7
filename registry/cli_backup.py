"""``appstore-registry backup DEST`` and ``restore SRC``: the whole registry into a folder, and back."""

from __future__ import annotations

from pathlib import Path

import click

from registry.cli_context import command_app
from registry.db import database
from registry.extensions import STORE
from registry.services.backup import restore_backup, write_backup


@click.command("backup")
@click.argument("destination", type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def backup_command(ctx: click.Context, destination: Path) -> None:
    """Write the database and every artifact it refers to into the new folder DESTINATION.

    Publishes may go on meanwhile: the backup holds the database as it was when
    the backup began, with every artifact it needs.
    """
    app = command_app(ctx)
    summary = write_backup(database(app), app.extensions[STORE], destination)
    click.echo(f"backup written to {summary.path}: {summary.rows} rows in {summary.tables} tables, "
               f"{summary.artifacts} artifacts ({summary.artifact_bytes} bytes)")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.pass_context
def restore_command(ctx: click.Context, source: Path) -> None:
    """Restore the backup in folder SOURCE into an empty database and artifact store.

    Every file is checked against the backup's manifest, every artifact against its
    sha256, and the result with fsck; on any problem nothing is restored.
    """
    app = command_app(ctx)
    summary = restore_backup(database(app), app.extensions[STORE], source)
    for note in summary.notes:
        click.echo(f"note: {note} (as in the backed-up registry; see `appstore-registry fsck --repair`)")
    click.echo(f"restored {summary.rows} rows in {summary.tables} tables and {summary.artifacts} artifacts "
               f"({summary.artifact_bytes} bytes); fsck checked {summary.releases_checked} releases: "
               "every package and image intact")
