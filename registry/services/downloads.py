"""Who may download a package: open-source packages are public; a commercial
module only to its own vendor (entitlements for customers extend this)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from registry.errors import Forbidden, Unauthorized
from registry.models import Release
from registry.services.tokens import Caller
from sdk.manifest import PROPRIETARY_LICENCE


class DownloadPolicy:
    def __init__(self, session: Session) -> None:
        self.session = session

    def authorise(self, release: Release, caller: Caller | None) -> None:
        if release.app.license != PROPRIETARY_LICENCE:
            return
        vendor = release.app.organisation
        if caller is None:
            raise Unauthorized(f"This commercial module is only for customers of `{vendor.slug}`; "
                               "send your organisation's token.")
        if caller.organisation_id != vendor.id:
            raise Forbidden(f"This commercial module needs an entitlement from `{vendor.slug}`.")
