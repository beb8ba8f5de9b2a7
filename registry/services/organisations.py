"""Organisations: who publishes, who installs."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.errors import Conflict, NotFound, RegistryError
from registry.models import ORGANISATION_KINDS, Organisation
from registry.services import audit
from sdk.manifest import is_slug


class OrganisationService:
    def __init__(self, session: Session) -> None:
        self.session = session

    def create(self, slug: str, name: str, kind: str, actor: str = "admin") -> Organisation:
        if not is_slug(slug, (2, 64)):
            raise RegistryError("An organisation slug is lowercase letters, digits and hyphens, e.g. `dimpact`.")
        if kind not in ORGANISATION_KINDS:
            raise RegistryError(f"The kind must be one of {', '.join(ORGANISATION_KINDS)}.")
        if not name.strip():
            raise RegistryError("Give the organisation a name.")
        if self.find(slug) is not None:
            raise Conflict(f"Organisation `{slug}` exists already.")
        organisation = Organisation(slug=slug, name=name.strip(), kind=kind)
        self.session.add(organisation)
        audit.record(self.session, actor, "organisation.create", slug, name=name, kind=kind)
        return organisation

    def find(self, slug: str) -> Organisation | None:
        return self.session.scalars(select(Organisation).where(Organisation.slug == slug)).first()

    def get(self, slug: str) -> Organisation:
        organisation = self.find(slug)
        if organisation is None:
            raise NotFound(f"There is no organisation `{slug}`.", page_code="organisation.not-found",
                           page_data={"organisation": slug})
        return organisation

    def list(self) -> list[Organisation]:
        return list(self.session.scalars(select(Organisation).order_by(Organisation.slug)))
