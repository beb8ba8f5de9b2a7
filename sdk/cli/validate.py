"""``appstore validate FILE...``: findings for standalone documents."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    group.add_command(validate)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--kind", type=click.Choice(["publiccode", "appstore"]), default=None,
              help="What the files are; detected from the file name when left out.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def validate(files: tuple[str, ...], kind: str | None, fmt: str) -> None:
    """Validate publiccode.yml or appstore.yaml files on their own."""
    raise click.ClickException("not implemented yet")
