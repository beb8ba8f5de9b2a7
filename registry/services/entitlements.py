"""Entitlements: which organisations a vendor lets download its commercial module."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from registry.errors import NotFound, RegistryError
from registry.models import App, Entitlement
from registry.services import audit
from registry.services.organisations import OrganisationService
from registry.services.tokens import Caller
from registry.services.vendors import CommercialModules, is_vendor_of, require_vendor
from registry.services.webhooks import events as webhook_events
from registry.transactions import savepoint


def is_entitled(session: Session, app_id: int, organisation_id: int) -> bool:
    """Read on every download, so that a revocation counts from the next request on."""
    found = session.scalars(
        select(Entitlement.id).where(Entitlement.app_id == app_id, Entitlement.organisation_id == organisation_id)
    ).first()
    return found is not None


class EntitlementService:
    def __init__(self, session: Session) -> None:
        self.session = session

    def grant(self, slug: str, organisation_slug: str, caller: Caller) -> tuple[Entitlement, bool]:
        """Entitle an organisation (idempotent); True when the entitlement is new."""
        app = self._own_module(slug, caller, "grant entitlements")
        organisation = OrganisationService(self.session).get(organisation_slug)
        if organisation.id == app.organisation_id:
            raise RegistryError(f"`{organisation.slug}` is the vendor of `{slug}` and may always download it.",
                                param="organisation", page_code="entitlement.own-module",
                                page_data={"organisation": organisation.slug, "app": slug})
        existing = self._find(app, organisation.id)
        if existing is not None:
            return existing, False
        try:
            with savepoint(self.session):
                # By ids, not relationships: a lost race then leaves no trace in loaded collections.
                entitlement = Entitlement(app_id=app.id, organisation_id=organisation.id, granted_by=caller.actor)
                self.session.add(entitlement)
                audit.record(self.session, caller.actor, "entitlement.grant", slug, organisation=organisation.slug)
                webhook_events.entitlement_changed(self.session, app, organisation, granted=True)
                self.session.flush()
        except IntegrityError:  # granted by a parallel request: that is the same outcome
            return self._find(app, organisation.id) or entitlement, False
        return entitlement, True

    def revoke(self, slug: str, organisation_slug: str, caller: Caller) -> None:
        app = self._own_module(slug, caller, "revoke entitlements")
        organisation = OrganisationService(self.session).get(organisation_slug)
        entitlement = self._find(app, organisation.id)
        if entitlement is None:
            raise NotFound(f"`{organisation.slug}` has no entitlement to `{slug}`.")
        self.session.delete(entitlement)
        audit.record(self.session, caller.actor, "entitlement.revoke", slug, organisation=organisation.slug)
        webhook_events.entitlement_changed(self.session, app, organisation, granted=False)
        self.session.flush()

    def list(self, slug: str, caller: Caller) -> list[Entitlement]:
        app = self._own_module(slug, caller, "see its entitlements")
        return list(self.session.scalars(
            select(Entitlement).where(Entitlement.app_id == app.id)
            .options(selectinload(Entitlement.organisation)).order_by(Entitlement.granted_at, Entitlement.id)
        ))

    def get(self, slug: str, organisation_slug: str, caller: Caller) -> Entitlement:
        """One entitlement, for the vendor or for the entitled organisation itself."""
        app = CommercialModules(self.session).get(slug)
        if not is_vendor_of(app, caller) and caller.organisation != organisation_slug:
            require_vendor(app, caller, "see entitlements of other organisations")
        organisation = OrganisationService(self.session).get(organisation_slug)
        entitlement = self._find(app, organisation.id)
        if entitlement is None:
            raise NotFound(f"`{organisation.slug}` has no entitlement to `{slug}`; "
                           f"ask `{app.organisation.slug}` for one.")
        return entitlement

    def _own_module(self, slug: str, caller: Caller, what: str) -> App:
        app = CommercialModules(self.session).get(slug)
        require_vendor(app, caller, what)
        return app

    def _find(self, app: App, organisation_id: int) -> Entitlement | None:
        return self.session.scalars(
            select(Entitlement).where(Entitlement.app_id == app.id, Entitlement.organisation_id == organisation_id)
        ).first()
