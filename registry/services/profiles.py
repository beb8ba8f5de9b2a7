"""Platform profiles as curators manage them: add or change, list, retire."""

from __future__ import annotations

import functools

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.errors import NotFound, RegistryError
from registry.models import PROFILE_ACTIVE, PROFILE_RETIRED, PlatformProfileRecord, utcnow
from registry.services import audit
from sdk.errors import AppstoreError
from sdk.profiles import PlatformProfile, default_profiles, load_profile


@functools.lru_cache(maxsize=256)
def parse(slug: str, revision: int, source: str) -> PlatformProfile:
    """A stored profile, parsed once per revision."""
    return load_profile(source, f"profile {slug}")


def as_profile(record: PlatformProfileRecord) -> PlatformProfile:
    return parse(record.slug, record.revision, record.source)


class ProfileService:
    def __init__(self, session: Session) -> None:
        self.session = session

    def put(self, source: str, actor: str) -> tuple[PlatformProfileRecord, bool]:
        """Add a profile, or change the one with the same id; True when it is new."""
        try:
            profile = load_profile(source, "the profile file")
        except AppstoreError as exc:
            raise RegistryError(str(exc)) from None
        record = self.find(profile.id)
        created = record is None
        if record is None:
            record = PlatformProfileRecord(slug=profile.id, name=profile.name, source=source)
            self.session.add(record)
        elif record.source != source or record.status != PROFILE_ACTIVE:
            record.source = source
            record.name = profile.name
            record.revision += 1
            record.status = PROFILE_ACTIVE
            record.updated_at = utcnow()
        audit.record(self.session, actor, "profile.add" if created else "profile.change", profile.id,
                     revision=record.revision)
        self.session.flush()
        return record, created

    def retire(self, slug: str, actor: str) -> PlatformProfileRecord:
        record = self.get(slug)
        if record.status != PROFILE_RETIRED:
            record.status = PROFILE_RETIRED
            record.updated_at = utcnow()
            audit.record(self.session, actor, "profile.retire", slug)
        return record

    def find(self, slug: str) -> PlatformProfileRecord | None:
        return self.session.scalars(select(PlatformProfileRecord).where(PlatformProfileRecord.slug == slug)).first()

    def get(self, slug: str) -> PlatformProfileRecord:
        record = self.find(slug)
        if record is None:
            raise NotFound(f"There is no platform profile `{slug}`; list them with GET /api/v1/profiles.")
        return record

    def records(self, *, include_retired: bool = True) -> list[PlatformProfileRecord]:
        return list(self.session.scalars(_ALL if include_retired else _ACTIVE))

    def active(self) -> list[tuple[PlatformProfileRecord, PlatformProfile]]:
        return [(record, as_profile(record)) for record in self.records(include_retired=False)]

    def seed_defaults(self, actor: str) -> list[str]:
        """Load the profiles shipped with the SDK into an empty registry."""
        if self.records():
            return []
        from importlib import resources

        folder = resources.files("sdk") / "data" / "profiles"
        added = []
        for profile in default_profiles():
            source = (folder / f"{profile.id}.yaml").read_text(encoding="utf-8")
            self.put(source, actor)
            added.append(profile.id)
        return added


# Built once: every publish reads the active profiles.
_ALL = select(PlatformProfileRecord).order_by(PlatformProfileRecord.slug)
_ACTIVE = _ALL.where(PlatformProfileRecord.status == PROFILE_ACTIVE)
