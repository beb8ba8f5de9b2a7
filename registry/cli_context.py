"""What every ``appstore-registry`` command shares: the actor it writes in the audit
log, and the app it builds once per invocation."""

from __future__ import annotations

import click
from flask import Flask

from registry.app import create_app

ADMIN = "admin-cli"


def command_app(ctx: click.Context) -> Flask:
    """The app of this invocation, built on first use (settings from APPSTORE_*)."""
    ctx.ensure_object(dict)
    if "app" not in ctx.obj:
        ctx.obj["app"] = create_app()
    return ctx.obj["app"]
