"""Who may have a release's content: an open-source release is public; a commercial one
only its own vendor and the organisations the vendor entitled.

Decided per release, from the licence normalised when it was published, never
from the app: an app may change its licence between releases.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from registry.errors import Forbidden, Unauthorized
from registry.models import Release
from registry.services.entitlements import is_entitled
from registry.services.tokens import Caller

NOT_ENTITLED = "content.needs-entitlement"
OPEN_CACHING = "public, max-age=31536000, immutable"
COMMERCIAL_CACHING = "private, no-cache"


class DownloadPolicy:
    def __init__(self, session: Session) -> None:
        self.session = session

    def refusal(self, release: Release, organisation_id: int | None) -> str | None:
        """Why ``organisation_id`` may not have this release's content, or ``None`` when it may.

        Install plans ask this too, so that they never plan what cannot be downloaded.
        """
        if not release.commercial:
            return None
        vendor = release.app.organisation
        if organisation_id == vendor.id:
            return None
        if organisation_id is not None and is_entitled(self.session, release.app_id, organisation_id):
            return None
        return f"needs an entitlement from {vendor.slug}"

    def shareable(self, release: Release) -> bool:
        """Whether anyone may have the content, so that an address anyone can use (a presigned
        download) gives nothing away. Never for a commercial release: every fetch asks the policy."""
        return not release.commercial

    def cache_control(self, release: Release) -> str:
        """Open content never changes and may be cached anywhere. Commercial content must not
        sit in a shared cache, and every fetch asks again, so that a revocation counts at once."""
        return COMMERCIAL_CACHING if release.commercial else OPEN_CACHING

    def authorise(self, release: Release, caller: Caller | None) -> None:
        reason = self.refusal(release, caller.organisation_id if caller else None)
        if reason is None:
            return
        app, vendor = release.app.slug, release.app.organisation.slug
        if caller is None:
            raise Unauthorized(f"`{app}` {release.version} is a commercial module, only for customers of "
                               f"`{vendor}`; send your organisation's token.", code=NOT_ENTITLED, app=app)
        raise Forbidden(f"`{app}` {release.version} is a commercial module that {reason}: ask `{vendor}` to "
                        f"entitle `{caller.organisation}` (PUT /api/v1/apps/{app}/entitlements/"
                        f"{caller.organisation}).", code=NOT_ENTITLED, app=app)
