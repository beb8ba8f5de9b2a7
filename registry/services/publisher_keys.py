"""Organisations' signing keys: register, list, revoke; and checking a release's signature.

A key registers only with a proof of possession (``sdk.signatures``) naming the
registering organisation, so nobody can claim another organisation's key.

A signature names its key by fingerprint; only the publishing organisation's
own, unrevoked keys count. A key is never deleted: revoking it keeps the
releases it signed, which then read as signed with a revoked key.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registry.errors import Conflict, InvalidInput, NotFound, VerificationFailed
from registry.models import Organisation, PublisherKey, Release, ReleaseSignature, utcnow
from registry.services import audit
from registry.transactions import savepoint
from sdk.findings import Finding
from sdk.problems import InvalidParam
from sdk.signatures import (
    FINGERPRINT_HEX,
    BadKey,
    decode_signature,
    fingerprint,
    proves_possession,
    public_key_of,
    verifies,
)

MAX_KEYS = 20  # per organisation, revoked ones included: enough to rotate for years
#: The code of a registration without a valid proof of possession (another's key, or a proof for another).
UNPROVEN = "publisher-key.unproven"


@dataclass(frozen=True)
class SignatureClaim:
    """What a publish sent besides the package: a base64 signature and its key's fingerprint."""

    signature: str
    key: str


class PublisherKeyService:
    def __init__(self, session: Session) -> None:
        self.session = session

    def list(self, organisation: Organisation) -> list[PublisherKey]:
        return list(self.session.scalars(
            select(PublisherKey).where(PublisherKey.organisation_id == organisation.id)
            .order_by(PublisherKey.created_at, PublisherKey.id)))

    def add(self, organisation: Organisation, key_text: str, proof: str, label: str, actor: str) -> PublisherKey:
        """Register a key for ``organisation``, once ``proof`` shows its registrant holds the private key."""
        try:
            raw = public_key_of(key_text)
        except BadKey as bad:
            raise InvalidInput([InvalidParam("publicKey", "invalid", bad.message)]) from None
        print_ = fingerprint(raw)
        if not proves_possession(raw, proof, organisation.slug):  # before anything about who holds the key
            raise InvalidInput([InvalidParam(
                "proof", UNPROVEN,
                f"The proof is not this key's signature over the statement naming `{organisation.slug}`. Make it "
                f"with the private key: `appstore register-key KEYFILE --organisation {organisation.slug}` "
                "registers the key with its proof; `appstore key-proof` prints the proof.")])
        existing = self.session.scalars(select(PublisherKey).where(PublisherKey.fingerprint == print_)).first()
        if existing is not None:
            raise Conflict(f"The key {print_} is registered already; a key belongs to one organisation and "
                           "is registered once (a revoked key cannot come back: make a new one).",
                           page_code="publisher-key.exists", page_data={"key": print_})
        held = self.session.scalar(select(func.count(PublisherKey.id))
                                   .where(PublisherKey.organisation_id == organisation.id))
        if (held or 0) >= MAX_KEYS:
            raise Conflict(f"An organisation has at most {MAX_KEYS} keys.",
                           page_code="publisher-key.too-many", page_data={"limit": MAX_KEYS})
        key = PublisherKey(fingerprint=print_, organisation=organisation,
                           public_key=base64.b64encode(raw).decode("ascii"), label=label.strip(), created_by=actor)
        try:
            with savepoint(self.session):  # the same key registered at the same moment: one wins
                self.session.add(key)
        except IntegrityError:
            raise Conflict(f"The key {print_} was registered at this very moment; it is registered once.",
                           page_code="publisher-key.exists", page_data={"key": print_}) from None
        audit.record(self.session, actor, "publisher-key.add", f"{organisation.slug}/{print_}")
        self.session.flush()
        return key

    def get(self, organisation: Organisation, key_fingerprint: str) -> PublisherKey:
        key = None
        if len(key_fingerprint) == FINGERPRINT_HEX:  # anything else is no fingerprint: no query for it
            key = self.session.scalars(select(PublisherKey).where(
                PublisherKey.organisation_id == organisation.id,
                PublisherKey.fingerprint == key_fingerprint.lower())).first()
        if key is None:
            raise NotFound(f"`{organisation.slug}` has no key `{key_fingerprint[:FINGERPRINT_HEX]}`.",
                           page_code="publisher-key.not-found", page_data={"organisation": organisation.slug})
        return key

    def revoke(self, organisation: Organisation, key_fingerprint: str, actor: str) -> PublisherKey:
        """Revoke a key; revoking it again changes nothing."""
        key = self.get(organisation, key_fingerprint)
        if key.revoked_at is None:
            key.revoked_at, key.revoked_by = utcnow(), actor
            audit.record(self.session, actor, "publisher-key.revoke", f"{organisation.slug}/{key.fingerprint}")
            self.session.flush()
        return key

    def check(self, organisation_id: int, sha256: str, claim: SignatureClaim) -> Signing:
        """The signature, checked: made over ``sha256`` by the organisation's unrevoked key; else a 422."""
        key = self.session.scalars(select(PublisherKey).where(
            PublisherKey.organisation_id == organisation_id,
            PublisherKey.fingerprint == claim.key.strip().lower()[:FINGERPRINT_HEX],
            PublisherKey.revoked_at.is_(None))).first()
        if key is None:
            raise _refused(Finding.error(
                "signature.unknown-key",
                f"Your organisation has no registered, unrevoked key `{claim.key[:FINGERPRINT_HEX]}`. Register "
                "its public key (`appstore keygen` printed it) or sign with a registered key.",
                "signatureKey", data={"key": claim.key[:FINGERPRINT_HEX]}))
        signature = decode_signature(claim.signature)
        if signature is None or not verifies(base64.b64decode(key.public_key), signature, sha256):
            raise _refused(Finding.error(
                "signature.invalid",
                "The signature does not match this package and key. Sign the package's sha256 (hex) with "
                "the key's private half, e.g. `appstore publish --sign KEYFILE`.",
                "signature", data={"key": key.fingerprint}))
        return Signing(key, claim.signature.strip())


@dataclass(frozen=True)
class Signing:
    """A signature the registry has checked, waiting for its release."""

    key: PublisherKey
    signature: str

    def attach(self, release: Release) -> None:
        """Record the signature with its release (the session adds it with the release)."""
        release.signature = ReleaseSignature(key=self.key, signature=self.signature)  # type: ignore[attr-defined]


def _refused(finding: Finding) -> VerificationFailed:
    return VerificationFailed("The package's signature was refused; nothing was published.", findings=[finding],
                              page_code="publish.rejected", page_data={"count": 1})
