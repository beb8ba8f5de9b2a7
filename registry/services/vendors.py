"""Commercial modules and who may manage them: the owning vendor, and curators
(organisations of kind ``registry``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.errors import Forbidden, NotFound
from registry.models import App
from registry.services.tokens import Caller
from sdk.licences import OPEN
from sdk.manifest import PROPRIETARY_LICENCE

CURATOR = "registry"
MUNICIPALITY = "municipality"


def is_commercial(app: App) -> bool:
    """The app as the catalogue shows it: commercial when its latest release is."""
    return app.license_kind != OPEN


def has_commercial_releases(app: App) -> bool:
    """Any release of the app is commercial: its vendor keeps managing who may download
    those, even after later releases became open source."""
    return any(release.commercial for release in app.releases)


def is_curator(caller: Caller | None) -> bool:
    return caller is not None and caller.kind == CURATOR


def is_vendor_of(app: App, caller: Caller | None) -> bool:
    return caller is not None and caller.organisation_id == app.organisation_id


def require_curator(caller: Caller) -> None:
    if not is_curator(caller):
        raise Forbidden("Only curators of the registry may do this; ask them at the registry's service desk.")


def require_vendor(app: App, caller: Caller, what: str) -> None:
    if not is_vendor_of(app, caller):
        raise Forbidden(f"Only `{app.organisation.slug}`, the vendor of `{app.slug}`, may {what}.")


class CommercialModules:
    """Finds the commercial modules that listings, entitlements and interest belong to."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, slug: str) -> App:
        """The published commercial module ``slug``; 404 for unknown and open-source apps alike."""
        app = self.session.scalars(select(App).where(App.slug == slug)).first()
        if app is None or app.latest_version is None:
            raise NotFound(f"There is no app `{slug}`; search the catalogue with GET /api/v1/apps?q=...")
        if not has_commercial_releases(app):
            raise NotFound(
                f"`{slug}` is open source: anyone may download it, so it has no listing, entitlements, "
                f"interest or download log. Those belong to modules under {PROPRIETARY_LICENCE}."
            )
        return app
