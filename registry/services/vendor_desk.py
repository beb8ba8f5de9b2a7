"""The vendor's own view of its commercial modules: per module who is entitled,
which municipalities registered interest, and the latest downloads."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import App, Entitlement
from registry.services.download_log import DownloadLog, DownloadPage
from registry.services.entitlements import EntitlementService
from registry.services.interest import InterestService, InterestSummary
from registry.services.tokens import Caller
from registry.services.vendors import has_commercial_releases

RECENT_DOWNLOADS = 10


@dataclass(frozen=True)
class ModuleDesk:
    app: App
    entitlements: list[Entitlement]
    interest: InterestSummary
    downloads: DownloadPage


class VendorDesk:
    """Read with the vendor's own caller: the services refuse anyone else."""

    def __init__(self, session: Session, caller: Caller) -> None:
        self.session = session
        self.caller = caller

    def modules(self) -> list[ModuleDesk]:
        apps = self.session.scalars(
            select(App).where(App.organisation_id == self.caller.organisation_id,
                              App.latest_version.is_not(None))
            .order_by(App.name))
        return [self._desk(app) for app in apps if has_commercial_releases(app)]

    def _desk(self, app: App) -> ModuleDesk:
        return ModuleDesk(
            app,
            EntitlementService(self.session).list(app.slug, self.caller),
            InterestService(self.session).summary(app.slug, self.caller),
            DownloadLog(self.session).page(app.slug, self.caller, 1, RECENT_DOWNLOADS),
        )
