"""Joint procurement: municipalities say they would buy a commercial module, so
that the vendor and the curators can bundle the demand.

Who sees what: the count is public (it helps other municipalities join); which
municipalities are interested only the vendor and the curators see; a
municipality sees whether it registered itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from registry.errors import Forbidden, NotFound
from registry.models import App, Interest
from registry.services import audit
from registry.services.tokens import Caller
from registry.services.vendors import MUNICIPALITY, CommercialModules, is_curator, is_vendor_of
from registry.transactions import savepoint

#: Kinds of organisation that may register interest.
INTERESTED_KINDS = (MUNICIPALITY,)


@dataclass(frozen=True)
class InterestSummary:
    count: int
    registered: bool | None  # None: the caller is not an organisation that can register
    interests: list[Interest] | None  # None: the caller may not see who


class InterestService:
    def __init__(self, session: Session) -> None:
        self.session = session

    def register(self, slug: str, caller: Caller) -> tuple[Interest, bool]:
        """Register the caller's interest (idempotent); True when it is new."""
        app = self._module_for_municipality(slug, caller)
        existing = self._find(app, caller.organisation_id)
        if existing is not None:
            return existing, False
        interest = Interest(app_id=app.id, organisation_id=caller.organisation_id)
        try:
            with savepoint(self.session):
                self.session.add(interest)
                audit.record(self.session, caller.actor, "interest.register", slug, organisation=caller.organisation)
                self.session.flush()
        except IntegrityError:  # a parallel request registered it: same outcome
            return self._find(app, caller.organisation_id) or interest, False
        return interest, True

    def withdraw(self, slug: str, caller: Caller) -> None:
        app = self._module_for_municipality(slug, caller)
        interest = self._find(app, caller.organisation_id)
        if interest is None:
            raise NotFound(f"`{caller.organisation}` has not registered interest in `{slug}`.")
        self.session.delete(interest)
        audit.record(self.session, caller.actor, "interest.withdraw", slug, organisation=caller.organisation)
        self.session.flush()

    def summary(self, slug: str, caller: Caller | None) -> InterestSummary:
        app = CommercialModules(self.session).get(slug)
        count = self.session.scalar(select(func.count(Interest.id)).where(Interest.app_id == app.id)) or 0
        registered = None
        if caller is not None and caller.kind in INTERESTED_KINDS:
            registered = self._find(app, caller.organisation_id) is not None
        interests = None
        if is_vendor_of(app, caller) or is_curator(caller):
            interests = list(self.session.scalars(
                select(Interest).where(Interest.app_id == app.id)
                .options(selectinload(Interest.organisation)).order_by(Interest.registered_at, Interest.id)
            ))
        return InterestSummary(count, registered, interests)

    def _module_for_municipality(self, slug: str, caller: Caller) -> App:
        app = CommercialModules(self.session).get(slug)
        if caller.kind not in INTERESTED_KINDS:
            raise Forbidden("Only municipalities register interest in buying a module, with their own token.")
        return app

    def _find(self, app: App, organisation_id: int) -> Interest | None:
        return self.session.scalars(
            select(Interest).where(Interest.app_id == app.id, Interest.organisation_id == organisation_id)
        ).first()
