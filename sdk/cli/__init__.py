"""The ``appstore`` command line: thin click wrappers around SDK functions.

Each command lives in a module of this package and calls a function that can
be imported and tested on its own. One handler turns SDK errors into a line
that says what to do, with exit status 1; ``--verbose`` adds the details.
"""

from __future__ import annotations

import importlib
import logging
import sys
from typing import Any

import click

from sdk.errors import AppstoreError
from sdk.messages import reader_language, render

#: Modules that add commands to the group, each with a ``register(group)``.
COMMAND_MODULES = (
    "sdk.cli.authoring",
    "sdk.cli.validate",
    "sdk.cli.publish",
    "sdk.cli.keys",
    "sdk.cli.remote",
    "sdk.cli.install",
    "sdk.cli.trust",
)


class AppstoreGroup(click.Group):
    """A click group whose commands report SDK errors as one clear line."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AppstoreError as exc:
            verbose = (ctx.obj or {}).get("verbose", False)
            if verbose:
                logging.getLogger("appstore").exception("details")
            message = render(exc.code, exc.data, reader_language()) if exc.code else None
            click.secho(f"error: {message or exc.message}", err=True, fg="red")
            if exc.hint:
                click.echo(exc.hint, err=True)
            ctx.exit(1)


@click.group(cls=AppstoreGroup)
@click.option("--verbose", "-v", is_flag=True, help="Show details and tracebacks of errors.")
@click.version_option(package_name="gemeente-appstore")
@click.pass_context
def main(ctx: click.Context, verbose: bool) -> None:
    """Build, check and publish apps for the Gemeente App Store."""
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, stream=sys.stderr)


for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(main)
