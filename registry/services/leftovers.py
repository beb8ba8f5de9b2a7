"""Blobs that a failed publish could not take back while the artifact store was away.

A publish that fails after sending its package, or whose sending got no answer, removes
the blob again, unless a release refers to it. When the store stops answering halfway,
that removal fails as well, and the write may still have landed (the store kept the
object, its answer was lost). Such keys wait here, and a thread of this process removes
them once the store answers again, each only while no release refers to it. Should the
process end first, ``appstore-registry fsck`` reports them as orphans and ``--repair``
removes them.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from registry.errors import StorageUnavailable, Unavailable
from registry.models import Release
from registry.storage import ArtifactStore

log = logging.getLogger(__name__)

#: Seconds between attempts while the store (or the database) does not answer.
RETRY_SECONDS = 2.0
#: Keys kept at most: past this, fsck finds the rest.
MAX_WAITING = 10_000


class Leftovers:
    """The keys this process still has to take back from ``store``."""

    def __init__(self, store: ArtifactStore, sessions: sessionmaker[Session]) -> None:
        self.store = store
        self.sessions = sessions
        self._waiting: set[str] = set()
        self._lock = threading.Lock()
        self._remover: threading.Thread | None = None

    def take_back(self, session: Session, key: str) -> None:
        """Remove the blob ``key`` a failed publish wrote, unless a release refers to it; when the
        store does not answer, later (and raise, as the publish fails because of it). The caller
        holds the store's lock of ``key``."""
        if referenced(session, key):
            return
        try:
            self.store.delete(key)
        except StorageUnavailable:
            self.remove_later(key)
            raise

    def remove_later(self, key: str) -> None:
        """Take ``key`` back as soon as the store answers (unless a release refers to it by then)."""
        with self._lock:
            if len(self._waiting) < MAX_WAITING:
                self._waiting.add(key)
            if self._remover is None:
                self._remover = threading.Thread(target=self._remove_until_done, name="store-leftovers",
                                                 daemon=True)
                self._remover.start()

    def waiting(self) -> list[str]:
        with self._lock:
            return sorted(self._waiting)

    def remove_waiting(self) -> None:
        """One attempt at every waiting key; those the store or database could not take stay."""
        for key in self.waiting():
            try:
                self._remove(key)
            except (Unavailable, OperationalError):
                return  # the store (or the database) is still away: the rest would fail the same way
            except Exception:  # noqa: BLE001  (one bad key must not keep the others waiting)
                log.exception("could not take back %s from the artifact store", key)
            with self._lock:
                self._waiting.discard(key)

    def _remove(self, key: str) -> None:
        with self.store.lock(key), self.sessions() as session:
            if not referenced(session, key):
                self.store.delete(key)
                log.info("took back %s from the artifact store after a failed publish", key)

    def _remove_until_done(self) -> None:
        while True:
            time.sleep(RETRY_SECONDS)
            self.remove_waiting()
            with self._lock:  # decided under the lock, so that a key added now starts a new thread
                if not self._waiting:
                    self._remover = None
                    return


def referenced(session: Session, key: str) -> bool:
    """Whether a release (of any state) is stored as the blob ``key``."""
    return session.scalars(select(Release.id).where(Release.artifact_sha256 == key).limit(1)).first() is not None
