"""What a vendor sees before it changes who may download its module: the organisations
that match a name, each with where it stands, and what revoking an entitlement undoes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.errors import NotFound
from registry.models import App, Entitlement, Environment, Installation, Organisation
from registry.services.entitlements import EntitlementService
from registry.services.organisation_names import OrganisationNames
from registry.services.tokens import Caller
from registry.services.vendors import CommercialModules, require_vendor


@dataclass(frozen=True)
class Candidate:
    """An organisation the vendor looked for by name."""

    organisation: Organisation
    entitled: bool
    is_vendor: bool

    @property
    def may_be_entitled(self) -> bool:
        return not (self.entitled or self.is_vendor)


@dataclass(frozen=True)
class Revocation:
    """An entitlement about to be revoked, and in how many of the organisation's
    environments the module is recorded as installed (those lose their updates)."""

    entitlement: Entitlement
    installed_in: int


class EntitlementChoices:
    """Read with the vendor's own caller: the services refuse anyone else."""

    def __init__(self, session: Session, caller: Caller) -> None:
        self.session = session
        self.caller = caller

    def module(self, slug: str) -> App:
        """The vendor's own commercial module ``slug`` (403 for anyone else's)."""
        app = CommercialModules(self.session).get(slug)
        require_vendor(app, self.caller, "change who may download it")
        return app

    def candidates(self, slug: str, name: str) -> list[Candidate]:
        """The organisations whose name matches ``name``, with where each stands."""
        app = self.module(slug)
        entitled = {e.organisation_id for e in EntitlementService(self.session).list(slug, self.caller)}
        return [Candidate(o, o.id in entitled, o.id == app.organisation_id)
                for o in OrganisationNames(self.session).search(name)]

    def revocation(self, slug: str, organisation_slug: str) -> Revocation:
        app = self.module(slug)
        entitlement = next((e for e in EntitlementService(self.session).list(slug, self.caller)
                            if e.organisation.slug == organisation_slug), None)
        if entitlement is None:
            raise NotFound(f"`{organisation_slug}` has no entitlement to `{slug}`.")
        installed_in = self.session.scalar(
            select(func.count(Installation.id)).join(Environment, Installation.environment_id == Environment.id)
            .where(Installation.app_id == app.id, Environment.organisation_id == entitlement.organisation_id,
                   Environment.archived_at.is_(None))) or 0
        return Revocation(entitlement, installed_in)
