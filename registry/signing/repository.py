"""Signing the repository metadata: creating it, adding targets, re-signing before expiry, rotating keys.

``targets`` delegates every target to a hashed bin (:mod:`registry.signing`); a
publish re-signs the bin of its package, then snapshot and timestamp, all in one
transaction, so a crash leaves either all of them or none. A repository made
before the bins (``targets`` listing every package) keeps working as it is until
:meth:`SignedRepository.move_to_bins` (``appstore-registry tuf refresh``) moves it.

Each role's versions are blobs in the artifact store, indexed by ``SignedMetadata``
rows. Roots are kept forever (clients walk from the root they trust to the
newest); the other roles keep every version too, which costs little and lets
``fsck`` account for every blob. Services flush; the caller commits
(:func:`registry.signing.updates.signed_update` retries a lost race).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from io import BytesIO

from securesystemslib.signer import Key, Signer
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tuf.api.metadata import (
    Delegations,
    Metadata,
    MetaFile,
    Root,
    Snapshot,
    SuccinctRoles,
    TargetFile,
    Targets,
    Timestamp,
)
from tuf.api.serialization.json import JSONSerializer

from registry.errors import Conflict, NotFound
from registry.models import RELEASE_YANKED, App, Artifact, Release, SignedMetadata, table_of, utcnow
from registry.signing import BIN_BITS, BIN_PREFIX, ONLINE_ROLES, ROLES, is_bin, key_role, target_path
from registry.signing.keys import KeyDirectory
from registry.storage import ArtifactStore

#: How long each role's signature holds. The online roles are re-signed when half
#: of it has passed (on a publish, a read of timestamp.json, or `tuf refresh`).
LIFETIME = {"root": timedelta(days=365), "targets": timedelta(days=90),
            "snapshot": timedelta(days=7), "timestamp": timedelta(days=1)}
#: ``<version>.<role>.json`` for the versioned roles and bins, ``timestamp.json`` for the newest timestamp.
DOCUMENT_NAME = re.compile(
    rf"(?:([1-9][0-9]{{0,8}})\.(root|targets|snapshot|{BIN_PREFIX}-[0-9a-f]{{1,4}})|(timestamp))\.json")
SERIALIZER = JSONSerializer(compact=True)


@dataclass(frozen=True)
class Target:
    """A package to list: its target path, length and sha256."""

    path: str
    length: int
    sha256: str
    yanked: bool = False

    def file(self) -> TargetFile:
        # A yanked release stays downloadable, so it stays signed; the mark tells clients it was yanked.
        custom = {"custom": {"yanked": True}} if self.yanked else None
        return TargetFile(self.length, {"sha256": self.sha256}, self.path, unrecognized_fields=custom)


def delegations(key: Key) -> Delegations:
    """What ``targets`` says: every target path is in one hashed bin, signed with ``key``."""
    return Delegations(keys={key.keyid: key},
                       succinct_roles=SuccinctRoles([key.keyid], 1, BIN_BITS, BIN_PREFIX))


def yanked_mark(file: TargetFile) -> bool:
    """Whether the signed listing marks the package as yanked."""
    return bool((file.custom or {}).get("yanked"))


def bins_of(targets: Metadata[Targets]) -> SuccinctRoles | None:
    """The hashed bins ``targets`` delegates to; ``None`` for a repository made before bins."""
    delegated = targets.signed.delegations
    return None if delegated is None else delegated.succinct_roles


def _apply(change: Callable[[dict[str, TargetFile], Target], bool], listed: dict[str, TargetFile],
           targets: Iterable[Target]) -> bool:
    """Apply ``change`` to ``listed`` for each target (all of them); whether any changed it."""
    changed = False
    for target in targets:
        changed = change(listed, target) or changed
    return changed


class SignedRepository:
    """The registry's TUF repository, in one unit of work."""

    def __init__(self, session: Session, store: ArtifactStore, keys: KeyDirectory,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.session = session
        self.store = store
        self.keys = keys
        self.clock = clock
        # Blobs written in this unit of work, by sha256: bins with equal content (all empty ones
        # of a version, at init or a re-sign) are stored once.
        self._written: set[str] = set()

    # Reading

    def initialised(self) -> bool:
        # Asked after every publish: an id, not a row of metadata.
        return self.session.execute(ANY_ROOT).first() is not None

    def document(self, name: str) -> bytes:
        """The bytes of ``<n>.<role>.json`` or ``timestamp.json``; ``NotFound`` otherwise."""
        match = DOCUMENT_NAME.fullmatch(name)
        if not match:
            raise NotFound(f"No TUF metadata {name!r}: ask for <version>.root.json, <version>.targets.json, "
                           f"<version>.{BIN_PREFIX}-<hex>.json, <version>.snapshot.json or timestamp.json.")
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
        return self._load(row)

    def _load(self, row: SignedMetadata) -> Metadata:
        with self.store.open(row.blob_sha256) as handle:
            return Metadata.from_bytes(handle.read())

    # Writing

    def init(self, root_signer: Signer) -> Metadata[Root]:
        """Root, targets, the bins (every release so far), snapshot and timestamp, each version 1."""
        if self.initialised():
            raise Conflict("The registry signs its metadata already; rotate keys with `appstore-registry tuf rotate`.")
        root = Metadata(Root(expires=self._expiry("root"), consistent_snapshot=True))
        root.signed.add_key(root_signer.public_key, "root")
        for role in ONLINE_ROLES:
            root.signed.add_key(self.keys.signer(role).public_key, role)
        self._save(root, [root_signer])
        targets = Metadata(Targets(expires=self._expiry("targets")))
        targets.signed.delegations = delegations(self.keys.signer("targets").public_key)
        self._save(targets, [self.keys.signer("targets")])
        bins = self._create_bins(targets, [target.file() for target in self.published_targets()])
        self._sign_snapshot_and_timestamp({"targets": targets.signed.version, **bins})
        return root

    def add_targets(self, new: Iterable[Target]) -> bool:
        """List ``new`` packages (a target already listed is left as it is); whether anything changed.
        Nothing is ever removed: a yanked release stays downloadable, so it stays signed."""

        def add(listed: dict[str, TargetFile], target: Target) -> bool:
            if target.path in listed:
                return False
            listed[target.path] = target.file()
            return True

        return self._edit(new, add)

    def mark_yanked(self, yanked: Iterable[Target]) -> bool:
        """Mark listed packages as yanked in their bin (they stay listed); whether anything changed."""

        def mark(listed: dict[str, TargetFile], target: Target) -> bool:
            file = listed.get(target.path)
            if file is None or yanked_mark(file):
                return False
            file.unrecognized_fields["custom"] = {**(file.custom or {}), "yanked": True}
            return True

        return self._edit(yanked, mark)

    def move_to_bins(self) -> int | None:
        """Move a repository whose ``targets`` lists every package to hashed bins: a new ``targets``
        that delegates, a first version of each bin with what ``targets`` listed, a new snapshot and
        timestamp. The number of targets moved; ``None`` when it has bins already."""
        targets = self.current("targets")
        if bins_of(targets) is not None:
            return None
        listed = list(targets.signed.targets.values())
        targets.signed.targets = {}
        targets.signed.delegations = delegations(self.keys.signer("targets").public_key)
        self._resign(targets, "targets")
        bins = self._create_bins(targets, listed)
        self._sign_snapshot_and_timestamp({"targets": targets.signed.version, **bins})
        return len(listed)

    def refresh(self) -> list[str]:
        """Re-sign the online roles whose signatures are past half their lifetime; the roles re-signed."""
        now = self.clock()
        due = [role for role in ONLINE_ROLES if self._newest_row(role) and self._half_gone(role, now)]
        if "targets" in due:
            # Only a full re-sign signs targets, so every bin is at least as fresh as targets:
            # re-signing them all with it keeps each bin's expiry watched by targets' alone.
            self._sign_snapshot_and_timestamp(self._resign_targets_and_bins())
        elif "snapshot" in due:
            self._sign_snapshot_and_timestamp({})
        elif "timestamp" in due:
            self._sign_timestamp(self.current("snapshot").signed.version)
        return due

    def rotate(self, role: str, old_root: Signer, new_signer: Signer) -> Metadata[Root]:
        """A new root version that trusts ``new_signer`` for ``role`` instead of its old key.

        Signed by the root key the clients trust now (``old_root``) and, when the
        root key itself is replaced, by the new one too, as the spec requires.
        Snapshot and timestamp are then signed again with the keys root names."""
        root = self.current("root")
        for keyid in list(root.signed.roles[role].keyids):
            root.signed.revoke_key(keyid, role)
        root.signed.add_key(new_signer.public_key, role)
        root.signed.version += 1
        root.signed.expires = self._expiry("root")
        signers = [old_root, new_signer] if role == "root" else [old_root]
        self._save(root, signers)
        # Targets and its bins are signed again only for a new targets key: the others sign
        # nothing the targets key signed, and a new snapshot and timestamp carry their new keys.
        self._sign_snapshot_and_timestamp(self._resign_targets_and_bins(new_signer.public_key) if role == "targets"
                                          else {})
        return root

    def missing_targets(self) -> list[Target]:
        """Releases whose signing after their publish failed (a key missing, a crash in between)."""
        listed = self.listed_targets()
        return [target for target in self.published_targets() if target.path not in listed]

    def unmarked_yanks(self) -> list[Target]:
        """Yanked releases whose bin does not say so yet (the signing after the yank failed)."""
        listed = self.listed_targets()
        return [target for target in self.published_targets()
                if target.yanked and target.path in listed and not yanked_mark(listed[target.path])]

    def published_targets(self) -> list[Target]:
        """Every release's package, yanked ones included."""
        rows = self.session.execute(
            select(App.slug, Release.version, Artifact.size, Artifact.sha256, Release.status)
            .join(App, App.id == Release.app_id).join(Artifact, Artifact.sha256 == Release.artifact_sha256)
        )
        return [Target(target_path(slug, version), size, sha256, status == RELEASE_YANKED)
                for slug, version, size, sha256, status in rows]

    def referenced_blobs(self) -> set[str]:
        """The blobs that hold metadata (for fsck)."""
        return set(self.session.scalars(select(SignedMetadata.blob_sha256)))

    def listed_targets(self) -> dict[str, TargetFile]:
        """Every listed target, from targets or all its bins (reads every bin: for the CLI, not a publish)."""
        targets = self.current("targets")
        roles = bins_of(targets)
        if roles is None:
            return targets.signed.targets
        listed: dict[str, TargetFile] = {}
        for name in roles.get_roles():
            listed.update(self.current(name).signed.targets)
        return listed

    # Signing

    def _edit(self, changes: Iterable[Target], change: Callable[[dict[str, TargetFile], Target], bool]) -> bool:
        """Apply ``change`` to the listing of each target, then sign the documents it changed: the bins
        of those targets (or, before the move to bins, ``targets``), snapshot and timestamp."""
        targets = self.current("targets")
        roles = bins_of(targets)
        if roles is None:
            if not _apply(change, targets.signed.targets, changes):
                return False
            self._resign(targets, "targets")
            self._sign_snapshot_and_timestamp({"targets": targets.signed.version})
            return True
        by_bin: dict[str, list[Target]] = defaultdict(list)
        for target in changes:
            by_bin[roles.get_role_for_target(target.path)].append(target)
        signed = {}
        for name, group in sorted(by_bin.items()):
            bin_ = self.current(name)
            if _apply(change, bin_.signed.targets, group):
                self._resign(bin_, name)
                signed[name] = bin_.signed.version
        if signed:
            self._sign_snapshot_and_timestamp(signed)
        return bool(signed)

    def _create_bins(self, targets: Metadata[Targets], files: Iterable[TargetFile]) -> dict[str, int]:
        """Sign every bin ``targets`` delegates to, holding ``files``; the version signed of each."""
        roles = bins_of(targets)
        assert roles is not None, "delegations are set before the bins are made"
        by_bin: dict[str, dict[str, TargetFile]] = defaultdict(dict)
        for file in files:
            by_bin[roles.get_role_for_target(file.path)][file.path] = file
        newest: dict[str, int] = {role: version for role, version in self.session.execute(
            select(SignedMetadata.role, func.max(SignedMetadata.version))
            .where(SignedMetadata.role.like(f"{BIN_PREFIX}-%")).group_by(SignedMetadata.role))}
        signer = self.keys.signer("targets")
        versions = {}
        for name in roles.get_roles():
            bin_ = Metadata(Targets(version=newest.get(name, 0) + 1, expires=self._expiry("targets"),
                                    targets=by_bin.get(name, {})))
            self._save(bin_, [signer], role=name, flush=False)
            versions[name] = bin_.signed.version
        self.session.flush()
        return versions

    def _resign_targets_and_bins(self, delegate: Key | None = None) -> dict[str, int]:
        """Sign targets again (delegating to ``delegate``'s key when given) and every bin with it."""
        targets = self.current("targets")
        roles = bins_of(targets)
        if delegate is not None and roles is not None:
            targets.signed.delegations = delegations(delegate)
        self._resign(targets, "targets")
        versions = {"targets": targets.signed.version}
        if roles is not None:
            for name in roles.get_roles():
                bin_ = self.current(name)
                self._resign(bin_, name, flush=False)
                versions[name] = bin_.signed.version
            self.session.flush()
        return versions

    def _sign_snapshot_and_timestamp(self, signed: dict[str, int]) -> None:
        """A new snapshot: the previous one's versions, with the roles just ``signed`` at theirs."""
        newest = self._newest_row("snapshot")
        meta = dict(self._load(newest).signed.meta) if newest else {}
        meta.update({f"{role}.json": MetaFile(version=version) for role, version in signed.items()})
        snapshot = Metadata(Snapshot(version=newest.version + 1 if newest else 1, expires=self._expiry("snapshot"),
                                     meta=meta))
        self._save(snapshot, [self.keys.signer("snapshot")])
        self._sign_timestamp(snapshot.signed.version)

    def _sign_timestamp(self, snapshot_version: int) -> None:
        newest = self._newest_row("timestamp")
        timestamp = Metadata(Timestamp(version=newest.version + 1 if newest else 1, expires=self._expiry("timestamp"),
                                       snapshot_meta=MetaFile(version=snapshot_version)))
        self._save(timestamp, [self.keys.signer("timestamp")])

    def _resign(self, metadata: Metadata, role: str, flush: bool = True) -> None:
        metadata.signed.version += 1
        metadata.signed.expires = self._expiry(key_role(role))
        self._save(metadata, [self.keys.signer(key_role(role))], role=role, flush=flush)

    def _save(self, metadata: Metadata, signers: list[Signer], role: str | None = None, flush: bool = True) -> None:
        """Sign and store ``metadata`` as ``role`` (default its type; a bin's type is targets)."""
        metadata.signatures.clear()
        for signer in signers:
            metadata.sign(signer, append=True)
        document = metadata.to_bytes(SERIALIZER)
        key = hashlib.sha256(document).hexdigest()
        if key not in self._written:
            self.store.write(BytesIO(document), expected=key)
            self._written.add(key)
        self.session.add(SignedMetadata(role=role or metadata.signed.type, version=metadata.signed.version,
                                        blob_sha256=key, expires=metadata.signed.expires))
        if flush:  # the bins flush once, after the last
            self.session.flush()  # a lost race shows here, as a unique violation

    def _expiry(self, role: str) -> datetime:
        return (self.clock() + LIFETIME[role]).replace(microsecond=0)

    def _half_gone(self, role: str, now: datetime) -> bool:
        row = self._newest_row(role)
        return row is not None and row.expires - now < LIFETIME[role] / 2

    def _newest_row(self, role: str) -> SignedMetadata | None:
        assert role in ROLES or is_bin(role)
        return self.session.scalars(select(SignedMetadata).where(SignedMetadata.role == role)
                                    .order_by(SignedMetadata.version.desc()).limit(1)).first()


#: Whether any root metadata exists (whether the registry signs at all); built once, of the table's
#: columns (a plain statement, without the ORM's work): read after every publish.
_METADATA = table_of(SignedMetadata)
ANY_ROOT = select(_METADATA.c.id).where(_METADATA.c.role == "root").limit(1)
