"""What the app page adds to the catalogue entry: adoption, and for a commercial
module its listing, the interest count and where the signed-in person's
organisations stand (entitled, interest registered)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from registry.models import App, Listing, Organisation
from registry.services.catalogue import CatalogueService
from registry.services.entitlements import is_entitled
from registry.services.installations import Adoption, AdoptionService
from registry.services.interest import INTERESTED_KINDS, InterestService
from registry.services.membership import MemberCaller
from registry.services.vendors import is_commercial


@dataclass(frozen=True)
class Standing:
    """One of the signed-in person's organisations, as regards a commercial module."""

    organisation: Organisation
    is_vendor: bool
    entitled: bool
    interested: bool | None  # None: this kind of organisation does not register interest


@dataclass(frozen=True)
class AppFacts:
    app: App
    adoption: Adoption
    commercial: bool
    listing: Listing | None
    interest_count: int
    standings: list[Standing]


class AppFactsService:
    def __init__(self, session: Session) -> None:
        self.session = session

    def of(self, app_id: str, organisations: list[Organisation]) -> AppFacts:
        """The app ``app_id`` (404 if unknown) with what its page shows besides the catalogue entry."""
        app = CatalogueService(self.session).app(app_id)
        adoption = AdoptionService(self.session).of(app)
        if not is_commercial(app) or app.latest_version is None:
            return AppFacts(app, adoption, False, None, 0, [])
        interest = InterestService(self.session)
        standings = []
        for organisation in organisations:
            caller = MemberCaller(organisation.id, organisation.slug, organisation.kind, 0)
            vendor = organisation.id == app.organisation_id
            entitled = vendor or is_entitled(self.session, app.id, organisation.id)
            interested = None
            if organisation.kind in INTERESTED_KINDS:
                interested = interest.summary(app.slug, caller).registered
            standings.append(Standing(organisation, vendor, entitled, interested))
        count = interest.summary(app.slug, None).count
        return AppFacts(app, adoption, True, getattr(app, "listing", None), count, standings)
