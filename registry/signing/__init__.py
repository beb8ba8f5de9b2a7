"""The registry's signed repository metadata (The Update Framework, via python-tuf).

Every release's package is a TUF target ``packages/<app>/<app>-<version>.tar.gz``
with its length and sha256, listed in signed ``targets`` metadata; ``snapshot``
and ``timestamp`` say which targets (and snapshot) are current, so that a client
can tell a changed package, a swapped file or a replayed older index from the
real thing. Keys stay out of the database (:mod:`registry.signing.keys`).
"""

from __future__ import annotations

ROLES = ("root", "targets", "snapshot", "timestamp")
#: The roles whose keys the running registry holds: it signs with them after each publish.
ONLINE_ROLES = ("targets", "snapshot", "timestamp")


def target_path(app_id: str, version: str) -> str:
    """The TUF target path of a release's package."""
    return f"packages/{app_id}/{app_id}-{version}.tar.gz"
