"""Publishers' signing keys and the signatures on their releases.

A key belongs to one organisation and is never deleted: revoking it stamps
``revoked_at``, so the releases signed with it stay, flagged.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from registry.models.core import Base, Organisation, Release, utcnow

__all__ = ["PublisherKey", "ReleaseSignature"]


class PublisherKey(Base):
    """An Ed25519 public key an organisation signs its releases with; the fingerprint is its id."""

    __tablename__ = "publisher_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    public_key: Mapped[str] = mapped_column(String(44))  # base64 of the 32 raw bytes
    label: Mapped[str] = mapped_column(String(100), default="")
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(100))

    organisation: Mapped[Organisation] = relationship()


class ReleaseSignature(Base):
    """The publisher's signature over a release's sha256, checked when it was published."""

    __tablename__ = "release_signature"

    release_id: Mapped[int] = mapped_column(ForeignKey("release.id"), primary_key=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("publisher_key.id"), index=True)
    signature: Mapped[str] = mapped_column(String(88))
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)

    key: Mapped[PublisherKey] = relationship(lazy="joined")
    release: Mapped[Release] = relationship(backref=backref("signature", uselist=False, lazy="selectin"))
