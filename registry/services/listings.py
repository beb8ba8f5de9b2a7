"""Listings: what a vendor tells municipalities about buying a commercial module."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from registry.errors import NotFound
from registry.models import App, Listing, utcnow
from registry.services import audit
from registry.services.listing_input import read_listing
from registry.services.tokens import Caller
from registry.services.vendors import CommercialModules, require_vendor


class ListingService:
    def __init__(self, session: Session) -> None:
        self.session = session

    def put(self, slug: str, body: Any, caller: Caller) -> tuple[App, bool]:
        """Replace the listing of ``slug`` (the vendor's own module) with the JSON ``body``;
        True when it is new. Only the vendor learns what is wrong with a body."""
        app = CommercialModules(self.session).get(slug)
        require_vendor(app, caller, "change its listing")
        data = read_listing(body)
        listing: Listing | None = app.listing  # type: ignore[attr-defined]
        created = listing is None
        if listing is None:
            listing = Listing(app=app)
            self.session.add(listing)
        values = data.columns()
        for name, value in values.items():
            setattr(listing, name, value)
        listing.updated_at = utcnow()
        listing.updated_by = caller.actor
        app.updated_at = utcnow()
        audit.record(self.session, caller.actor, "listing.put", slug, **values)
        self.session.flush()
        return app, created

    def get(self, slug: str) -> App:
        """The commercial module, with its listing; 404 while the vendor has not written one."""
        app = CommercialModules(self.session).get(slug)
        if getattr(app, "listing", None) is None:
            raise NotFound(f"`{app.organisation.slug}` has not written a listing for `{slug}` yet.")
        return app

    def editable(self, slug: str, caller: Caller) -> App:
        """The vendor's own commercial module with its listing, if written, for the form that edits it."""
        app = CommercialModules(self.session).get(slug)
        require_vendor(app, caller, "change its listing")
        return app
