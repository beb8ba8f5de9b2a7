"""Verifying organisations: a curator checks an OIN or KvK number and marks the
organisation as verified, so that municipalities can trust its apps' publisher."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.errors import Conflict, RegistryError
from registry.models import Organisation, utcnow
from registry.services import audit
from registry.services.identifiers import ACCEPTED_BY_KIND, IDENTIFIER_TYPES, check_identifier
from registry.services.organisations import OrganisationService

NAMES = {"oin": "an OIN", "kvk": "a KvK number"}


class OrganisationVerification:
    def __init__(self, session: Session) -> None:
        self.session = session

    def verify(self, slug: str, identifier_type: str, value: str, actor: str) -> Organisation:
        """Record the checked identifier and mark the organisation verified.

        The caller has made sure that ``actor`` is a curator (API) or the admin (CLI).
        """
        organisation = OrganisationService(self.session).get(slug)
        if identifier_type not in IDENTIFIER_TYPES:
            raise RegistryError(f"The identifier is one of {', '.join(IDENTIFIER_TYPES)}.")
        accepted = ACCEPTED_BY_KIND.get(organisation.kind, IDENTIFIER_TYPES)
        if identifier_type not in accepted:
            raise RegistryError(
                f"A {organisation.kind} is verified with {' or '.join(NAMES[t] for t in accepted)}, "
                f"not {NAMES[identifier_type]}."
            )
        identifier = check_identifier(identifier_type, value)
        holder = self.session.scalars(select(Organisation).where(Organisation.identifier == identifier)).first()
        if holder is not None and holder.id != organisation.id:
            raise Conflict(f"{NAMES[identifier_type].capitalize()} {identifier} already verifies `{holder.slug}`; "
                           "one identifier proves one organisation.")
        organisation.identifier_type = identifier_type
        organisation.identifier = identifier
        organisation.verified = True
        organisation.verified_at = utcnow()
        organisation.verified_by = actor
        audit.record(self.session, actor, "organisation.verify", slug,
                     identifierType=identifier_type, identifier=identifier)
        self.session.flush()
        return organisation

    def withdraw(self, slug: str, actor: str, reason: str = "") -> Organisation:
        """Mark the organisation unverified, e.g. when its identifier turned out wrong."""
        organisation = OrganisationService(self.session).get(slug)
        if not organisation.verified:
            raise Conflict(f"`{slug}` is not verified.")
        previous = organisation.identifier
        organisation.verified = False
        organisation.identifier_type = organisation.identifier = None
        organisation.verified_at = organisation.verified_by = None
        audit.record(self.session, actor, "organisation.unverify", slug, identifier=previous, reason=reason)
        self.session.flush()
        return organisation
