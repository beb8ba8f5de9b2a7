"""Signing in its own unit of work, after the change it signs is committed.

Several servers may sign at once: each new version is a row with a unique
``(role, version)``, so of two servers that sign the same next version the
database lets one commit; the other rolls back and starts again from the
newest metadata (SQLite refuses a stale writer in the same way). A blob written
by the loser stays unreferenced until ``fsck --repair`` removes it.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from registry.db import Database
from registry.models import App, Artifact, Release, utcnow
from registry.signing import target_path
from registry.signing.keys import KeyDirectory
from registry.signing.repository import ANY_ROOT, SignedRepository, Target
from registry.storage import ArtifactStore
from sdk import hookimpl
from sdk.hookspecs import ReleaseEvent

log = logging.getLogger(__name__)
ATTEMPTS = 8
Result = TypeVar("Result")


class Signing:
    """What a server needs to sign: its database, store and keys (kept in ``app.extensions``)."""

    def __init__(self, database: Database, store: ArtifactStore, keys: KeyDirectory,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.database = database
        self.store = store
        self.keys = keys
        self.clock = clock

    def update(self, action: Callable[[SignedRepository], Result]) -> Result:
        """Run ``action`` on the repository and commit, again from the start when another server
        signed in between."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with self.database.session() as session:
                    return action(SignedRepository(session, self.store, self.keys, self.clock))
            except (IntegrityError, OperationalError):
                if attempt == ATTEMPTS:
                    raise
                time.sleep(random.uniform(0.01, 0.05) * attempt)  # noqa: S311  # spreading retries, not secrets
        raise AssertionError("unreachable")

    def sign_release(self, app_id: str, version: str) -> bool:
        """List one release's package (when the registry signs at all); whether anything changed."""
        return self._sign_one(app_id, version, SignedRepository.add_targets)

    def sign_yank(self, app_id: str, version: str) -> bool:
        """Mark one release's package as yanked in its bin; whether anything changed."""
        return self._sign_one(app_id, version, SignedRepository.mark_yanked)

    def _sign_one(self, app_id: str, version: str,
                  change: Callable[[SignedRepository, list[Target]], bool]) -> bool:
        def sign(repository: SignedRepository) -> bool:
            # Only called once ``signs()`` has seen root metadata, which is never removed.
            found = repository.session.execute(
                select(Artifact.size, Artifact.sha256).join(Release, Release.artifact_sha256 == Artifact.sha256)
                .join(App, App.id == Release.app_id).where(App.slug == app_id, Release.version == version)
            ).first()
            if found is None:
                return False
            repository.refresh()
            return change(repository, [Target(target_path(app_id, version), found.size, found.sha256)])

        return self.update(sign) if self.signs() else False

    #: Whether ``signs`` has seen root metadata: it is never removed, so the answer stays.
    _seen_root = False

    def signs(self) -> bool:
        """Whether the registry signs (its root metadata exists): asked after every publish and
        yank, on a plain connection, before a unit of work is begun for signing, until the
        answer is yes (``tuf init`` may run at any time, in another process; nothing undoes it)."""
        if self._seen_root:
            return True
        with self.database.engine.connect() as connection:
            found = connection.execute(ANY_ROOT).first() is not None
        if found:
            self._seen_root = True
        return found

    def refresh(self) -> list[str]:
        """Re-sign what is close to expiry (when the registry signs at all)."""
        return self.update(lambda repository: repository.refresh() if repository.initialised() else [])


class SignedTargetsListener:
    """Lists each published release in the signed targets, and marks each yanked one, once committed."""

    def __init__(self, signing: Signing) -> None:
        self.signing = signing

    @hookimpl
    def appstore_release_published(self, event: ReleaseEvent) -> None:
        self.signing.sign_release(event.app_id, event.version)

    @hookimpl
    def appstore_release_yanked(self, event: ReleaseEvent) -> None:
        self.signing.sign_yank(event.app_id, event.version)
