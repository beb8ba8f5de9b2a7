"""Where the registry's signed TUF metadata lives: each version of each top-level role.

The documents themselves are blobs in the artifact store (so they work with S3 as
the packages do); this table says which blob holds which version. The unique
``(role, version)`` lets of two servers that sign at the same moment only one
write a version: the other starts again from the new one.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from registry.models.core import Base, utcnow

__all__ = ["SignedMetadata"]


class SignedMetadata(Base):
    """One signed version of a TUF role (root, targets, snapshot, timestamp)."""

    __tablename__ = "signed_metadata"
    __table_args__ = (UniqueConstraint("role", "version", name="uq_signed_metadata_role_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    version: Mapped[int]
    blob_sha256: Mapped[str] = mapped_column(String(64))
    expires: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
