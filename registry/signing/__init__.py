"""The registry's signed repository metadata (The Update Framework, via python-tuf).

Every release's package is a TUF target ``packages/<app>/<app>-<version>.tar.gz``
with its length and sha256. The top-level ``targets`` role lists none itself: it
delegates every target path to one of :data:`BIN_COUNT` hashed bins (``bins-00`` ..
``bins-ff``, python-tuf's succinct hash-bin delegation), so a publish signs one
small bin instead of a document that grows with the catalogue. ``snapshot`` and
``timestamp`` say which versions are current, so that a client can tell a changed
package, a swapped file or a replayed older index from the real thing. Keys stay
out of the database (:mod:`registry.signing.keys`).
"""

from __future__ import annotations

import re

ROLES = ("root", "targets", "snapshot", "timestamp")
#: The roles whose keys the running registry holds: it signs with them after each publish.
ONLINE_ROLES = ("targets", "snapshot", "timestamp")
#: 2**8 bins: at 50,000 releases a bin holds about 200 targets (some 28 KiB), so a publish
#: signs a small document, while the snapshot that names every bin stays near 8 KiB.
BIN_BITS = 8
BIN_COUNT = 2**BIN_BITS
BIN_PREFIX = "bins"
BIN_NAME = re.compile(rf"{BIN_PREFIX}-[0-9a-f]{{{(BIN_BITS + 3) // 4}}}")


def is_bin(role: str) -> bool:
    return BIN_NAME.fullmatch(role) is not None


def key_role(role: str) -> str:
    """The role whose key signs ``role``: the bins are signed with the targets key that delegates to them."""
    return "targets" if is_bin(role) else role


def target_path(app_id: str, version: str) -> str:
    """The TUF target path of a release's package."""
    return f"packages/{app_id}/{app_id}-{version}.tar.gz"
