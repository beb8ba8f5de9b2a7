"""Who may download a package: open-source packages are public; a commercial
module only its own vendor and the organisations the vendor entitled."""

from __future__ import annotations

from sqlalchemy.orm import Session

from registry.errors import Forbidden, Unauthorized
from registry.models import Release
from registry.services.entitlements import is_entitled
from registry.services.tokens import Caller
from sdk.manifest import PROPRIETARY_LICENCE


class DownloadPolicy:
    def __init__(self, session: Session) -> None:
        self.session = session

    def refusal(self, release: Release, organisation_id: int | None) -> str | None:
        """Why ``organisation_id`` may not have this package, or ``None`` when it may.

        Install plans ask this too, so that they never plan what cannot be downloaded.
        """
        if release.app.license != PROPRIETARY_LICENCE:
            return None
        vendor = release.app.organisation
        if organisation_id == vendor.id:
            return None
        if organisation_id is not None and is_entitled(self.session, release.app_id, organisation_id):
            return None
        return f"needs an entitlement from {vendor.slug}"

    def cache_control(self, release: Release) -> str:
        """Open packages never change and may be cached anywhere. A commercial one must not
        sit in a shared cache, and every fetch asks again, so that a revocation counts at once."""
        if release.app.license != PROPRIETARY_LICENCE:
            return "public, max-age=31536000, immutable"
        return "private, no-cache"

    def authorise(self, release: Release, caller: Caller | None) -> None:
        reason = self.refusal(release, caller.organisation_id if caller else None)
        if reason is None:
            return
        vendor = release.app.organisation
        if caller is None:
            raise Unauthorized(f"This commercial module is only for customers of `{vendor.slug}`; "
                               "send your organisation's token.")
        raise Forbidden(f"This commercial module {reason}: ask `{vendor.slug}` to entitle "
                        f"`{caller.organisation}` (PUT /api/v1/apps/{release.app.slug}/entitlements/"
                        f"{caller.organisation}).")
