"""Signing the repository metadata: creating it, adding targets, re-signing before expiry, rotating keys.

Each role's versions are blobs in the artifact store, indexed by ``SignedMetadata``
rows. Roots are kept forever (clients walk from the root they trust to the
newest); the other roles keep every version too, which costs little and lets
``fsck`` account for every blob. Services flush; the caller commits
(:func:`registry.signing.updates.signed_update` retries a lost race).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from io import BytesIO

from securesystemslib.signer import Signer
from sqlalchemy import select
from sqlalchemy.orm import Session
from tuf.api.metadata import (
    Metadata,
    MetaFile,
    Root,
    Snapshot,
    TargetFile,
    Targets,
    Timestamp,
)
from tuf.api.serialization.json import JSONSerializer

from registry.errors import Conflict, NotFound
from registry.models import App, Artifact, Release, SignedMetadata, utcnow
from registry.signing import ONLINE_ROLES, ROLES, target_path
from registry.signing.keys import KeyDirectory
from registry.storage import ArtifactStore

#: How long each role's signature holds. The online roles are re-signed when half
#: of it has passed (on a publish, a read of timestamp.json, or `tuf refresh`).
LIFETIME = {"root": timedelta(days=365), "targets": timedelta(days=90),
            "snapshot": timedelta(days=7), "timestamp": timedelta(days=1)}
#: ``<version>.<role>.json`` for the versioned roles, ``timestamp.json`` for the newest timestamp.
DOCUMENT_NAME = re.compile(r"(?:([1-9][0-9]{0,8})\.(root|targets|snapshot)|(timestamp))\.json")
SERIALIZER = JSONSerializer(compact=True)


@dataclass(frozen=True)
class Target:
    """A package to list: its target path, length and sha256."""

    path: str
    length: int
    sha256: str

    def file(self) -> TargetFile:
        return TargetFile(self.length, {"sha256": self.sha256}, self.path)


class SignedRepository:
    """The registry's TUF repository, in one unit of work."""

    def __init__(self, session: Session, store: ArtifactStore, keys: KeyDirectory,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.session = session
        self.store = store
        self.keys = keys
        self.clock = clock

    # Reading

    def initialised(self) -> bool:
        return self._newest_row("root") is not None

    def document(self, name: str) -> bytes:
        """The bytes of ``<n>.<role>.json`` or ``timestamp.json``; ``NotFound`` otherwise."""
        match = DOCUMENT_NAME.fullmatch(name)
        if not match:
            raise NotFound(f"No TUF metadata {name!r}: ask for <version>.root.json, <version>.targets.json, "
                           "<version>.snapshot.json or timestamp.json.")
        if match.group(3):
            row = self._newest_row("timestamp")
        else:
            row = self.session.scalars(select(SignedMetadata).where(
                SignedMetadata.role == match.group(2), SignedMetadata.version == int(match.group(1)))).first()
        if row is None:
            raise NotFound(f"The registry has no {name}." + ("" if self.initialised() else
                           " It signs no metadata yet: an administrator runs `appstore-registry tuf init`."))
        with self.store.open(row.blob_sha256) as handle:
            return handle.read()

    def current(self, role: str) -> Metadata:
        row = self._newest_row(role)
        if row is None:
            raise NotFound("The registry signs no metadata yet: run `appstore-registry tuf init`.")
        with self.store.open(row.blob_sha256) as handle:
            return Metadata.from_bytes(handle.read())

    # Writing

    def init(self, root_signer: Signer) -> Metadata[Root]:
        """Root, targets (every release so far), snapshot and timestamp, each version 1."""
        if self.initialised():
            raise Conflict("The registry signs its metadata already; rotate keys with `appstore-registry tuf rotate`.")
        root = Metadata(Root(expires=self._expiry("root"), consistent_snapshot=True))
        root.signed.add_key(root_signer.public_key, "root")
        for role in ONLINE_ROLES:
            root.signed.add_key(self.keys.signer(role).public_key, role)
        self._save(root, [root_signer])
        targets = Metadata(Targets(expires=self._expiry("targets")))
        for target in self.published_targets():
            targets.signed.targets[target.path] = target.file()
        self._save(targets, [self.keys.signer("targets")])
        self._sign_snapshot_and_timestamp(targets.signed.version)
        return root

    def add_targets(self, new: Iterable[Target]) -> bool:
        """List ``new`` packages (a target already listed is left as it is); whether anything changed.
        Nothing is ever removed: a yanked release stays downloadable, so it stays signed."""
        targets = self.current("targets")
        listed = targets.signed.targets
        added = {t.path: t.file() for t in new if t.path not in listed}
        if not added:
            return False
        listed.update(added)
        self._resign(targets, "targets")
        self._sign_snapshot_and_timestamp(targets.signed.version)
        return True

    def refresh(self) -> list[str]:
        """Re-sign the online roles whose signatures are past half their lifetime; the roles re-signed."""
        now = self.clock()
        due = [role for role in ONLINE_ROLES if self._newest_row(role) and self._half_gone(role, now)]
        if "targets" in due:
            targets = self.current("targets")
            self._resign(targets, "targets")
            self._sign_snapshot_and_timestamp(targets.signed.version)
        elif "snapshot" in due:
            self._sign_snapshot_and_timestamp(self.current("targets").signed.version)
        elif "timestamp" in due:
            self._sign_timestamp(self.current("snapshot").signed.version)
        return due

    def rotate(self, role: str, old_root: Signer, new_signer: Signer) -> Metadata[Root]:
        """A new root version that trusts ``new_signer`` for ``role`` instead of its old key.

        Signed by the root key the clients trust now (``old_root``) and, when the
        root key itself is replaced, by the new one too, as the spec requires.
        The online roles are then signed again with the keys root names."""
        root = self.current("root")
        for keyid in list(root.signed.roles[role].keyids):
            root.signed.revoke_key(keyid, role)
        root.signed.add_key(new_signer.public_key, role)
        root.signed.version += 1
        root.signed.expires = self._expiry("root")
        signers = [old_root, new_signer] if role == "root" else [old_root]
        self._save(root, signers)
        targets = self.current("targets")
        self._resign(targets, "targets")
        self._sign_snapshot_and_timestamp(targets.signed.version)
        return root

    def missing_targets(self) -> list[Target]:
        """Releases whose signing after their publish failed (a key missing, a crash in between)."""
        listed = self.current("targets").signed.targets
        return [target for target in self.published_targets() if target.path not in listed]

    def published_targets(self) -> list[Target]:
        """Every release's package, yanked ones included."""
        rows = self.session.execute(
            select(App.slug, Release.version, Artifact.size, Artifact.sha256)
            .join(App, App.id == Release.app_id).join(Artifact, Artifact.sha256 == Release.artifact_sha256)
        )
        return [Target(target_path(slug, version), size, sha256) for slug, version, size, sha256 in rows]

    def referenced_blobs(self) -> set[str]:
        """The blobs that hold metadata (for fsck)."""
        return set(self.session.scalars(select(SignedMetadata.blob_sha256)))

    # Signing

    def _sign_snapshot_and_timestamp(self, targets_version: int) -> None:
        newest = self._newest_row("snapshot")
        snapshot = Metadata(Snapshot(version=newest.version + 1 if newest else 1, expires=self._expiry("snapshot")))
        snapshot.signed.meta = {"targets.json": MetaFile(version=targets_version)}
        self._save(snapshot, [self.keys.signer("snapshot")])
        self._sign_timestamp(snapshot.signed.version)

    def _sign_timestamp(self, snapshot_version: int) -> None:
        newest = self._newest_row("timestamp")
        timestamp = Metadata(Timestamp(version=newest.version + 1 if newest else 1, expires=self._expiry("timestamp"),
                                       snapshot_meta=MetaFile(version=snapshot_version)))
        self._save(timestamp, [self.keys.signer("timestamp")])

    def _resign(self, metadata: Metadata, role: str) -> None:
        metadata.signed.version += 1
        metadata.signed.expires = self._expiry(role)
        self._save(metadata, [self.keys.signer(role)])

    def _save(self, metadata: Metadata, signers: list[Signer]) -> None:
        metadata.signatures.clear()
        for signer in signers:
            metadata.sign(signer, append=True)
        blob = self.store.write(BytesIO(metadata.to_bytes(SERIALIZER)))
        self.session.add(SignedMetadata(role=metadata.signed.type, version=metadata.signed.version,
                                        blob_sha256=blob.key, expires=metadata.signed.expires))
        self.session.flush()  # a lost race shows here, as a unique violation

    def _expiry(self, role: str) -> datetime:
        return (self.clock() + LIFETIME[role]).replace(microsecond=0)

    def _half_gone(self, role: str, now: datetime) -> bool:
        row = self._newest_row(role)
        return row is not None and row.expires - now < LIFETIME[role] / 2

    def _newest_row(self, role: str) -> SignedMetadata | None:
        assert role in ROLES
        return self.session.scalars(select(SignedMetadata).where(SignedMetadata.role == role)
                                    .order_by(SignedMetadata.version.desc()).limit(1)).first()

