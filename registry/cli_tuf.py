"""``appstore-registry tuf init|rotate|refresh|status``: the keys and signed metadata (TUF)."""

from __future__ import annotations

from pathlib import Path

import click

from registry.cli_context import command_app
from registry.errors import ConfigurationError
from registry.extensions import SIGNING
from registry.signing import BIN_COUNT, ONLINE_ROLES, ROLES
from registry.signing.repository import SignedRepository, bins_of
from registry.signing.updates import Signing

root_key_option = click.option(
    "--root-key", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="The root key's file (default root.pem in the key folder). Keep it offline: the server never needs it.")


def _signing(ctx: click.Context) -> Signing:
    return command_app(ctx).extensions[SIGNING]


@click.group()
def tuf() -> None:
    """Signed repository metadata (TUF): keys, rotation, re-signing."""


@tuf.command("init")
@root_key_option
@click.pass_context
def tuf_init(ctx: click.Context, root_key: Path | None) -> None:
    """Make the role keys that are missing and sign version 1 of every role, listing every release so far."""
    signing = _signing(ctx)
    made = []
    for role in ONLINE_ROLES:
        if not signing.keys.has(role):
            signing.keys.create(role)
            made.append(role)
    root_path = root_key or signing.keys.path("root")
    if root_path.exists():
        root = signing.keys.signer("root", root_path)
    else:
        root = signing.keys.create("root", root_path)
        made.append("root")
    signing.update(lambda repository: repository.init(root))
    click.echo(f"Made keys for: {', '.join(made)}." if made else "Kept the keys there were.")
    click.echo(f"Signed version 1 of every role. The root key is {root_path}: move it offline, "
               "it is needed only to rotate keys.")


@tuf.command("rotate")
@click.argument("role", type=click.Choice(ROLES))
@root_key_option
@click.option("--new-root-key", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the new root key when ROLE is root (default: in place of --root-key).")
@click.pass_context
def tuf_rotate(ctx: click.Context, role: str, root_key: Path | None, new_root_key: Path | None) -> None:
    """Replace ROLE's key: a new root version, signed by the current root key, names the new one."""
    signing = _signing(ctx)
    root_path = root_key or signing.keys.path("root")
    old_root = signing.keys.signer("root", root_path)
    if role == "root":
        new = signing.keys.replace("root", new_root_key or root_path)
    elif signing.keys.from_environment(role):
        raise ConfigurationError(f"The {role} key comes from APPSTORE_TUF_KEY_{role.upper()}, which would still "
                                 "win over a new key file: unset it here, rotate, then put the new file's text "
                                 "in the variable of every server.")
    else:
        new = signing.keys.replace(role)
    root = signing.update(lambda repository: repository.rotate(role, old_root, new))
    click.echo(f"Signed {root.signed.version}.root.json with a new {role} key; the old key file is kept as .old.")
    if role != "root":
        click.echo("Give every server of this registry the new key before it publishes again.")


@tuf.command("refresh")
@click.pass_context
def tuf_refresh(ctx: click.Context) -> None:
    """Sign again what is past half its lifetime (run daily if the registry may sit unread for a day),
    move a repository made before hashed bins to them, and list the releases whose signing after
    publish or yank failed."""
    signing = _signing(ctx)
    moved = signing.update(lambda repository: repository.move_to_bins() if repository.initialised() else None)
    if moved is not None:
        click.echo(f"Moved {moved} target(s) from targets to {BIN_COUNT} hashed bins; targets now delegates to them.")
    due = signing.refresh()
    click.echo(f"Signed again: {', '.join(due)}." if due else "Nothing was close to expiry.")
    missing = signing.update(lambda repository: repository.missing_targets() if repository.initialised() else [])
    if missing:
        signing.update(lambda repository: repository.add_targets(missing))
        click.echo(f"Listed {len(missing)} release(s) that were not signed yet: "
                   f"{', '.join(t.path for t in missing)}")
    unmarked = signing.update(lambda repository: repository.unmarked_yanks() if repository.initialised() else [])
    if unmarked:
        signing.update(lambda repository: repository.mark_yanked(unmarked))
        click.echo(f"Marked {len(unmarked)} yanked release(s): {', '.join(t.path for t in unmarked)}")


@tuf.command("status")
@click.pass_context
def tuf_status(ctx: click.Context) -> None:
    """Each role's newest version, its expiry, and whether the server holds its key."""
    signing = _signing(ctx)

    def show(repository: SignedRepository) -> None:
        if not repository.initialised():
            click.echo("The registry signs no metadata yet: run `appstore-registry tuf init`.")
            return
        for role in ROLES:
            signed = repository.current(role).signed
            key = "key present" if signing.keys.has(role) else ("offline" if role == "root" else "KEY MISSING")
            click.echo(f"{role:<10} version {signed.version:<6} expires {signed.expires:%Y-%m-%d %H:%M} UTC  {key}")
        bins = bins_of(repository.current("targets"))
        if bins is None:
            click.echo("targets lists every release itself: `appstore-registry tuf refresh` moves them to hashed bins.")
        else:
            click.echo(f"{'bins':<10} {bins.number_of_bins} hashed bins, signed with the targets key")

    signing.update(show)
