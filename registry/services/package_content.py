"""The one door for a release's content: the package, bundles rendered from it, its images.

Every route that sends any byte of a package comes through here: it authorises
the caller for that release (``DownloadPolicy``), chooses the caching for that
release, and logs what was sent of a commercial release, with its kind. A
``HEAD`` request and a ``304 Not Modified`` are authorised but send nothing, so
they are not logged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from registry.models import Release, User
from registry.services.download_log import DownloadLog
from registry.services.downloads import DownloadPolicy
from registry.services.membership import MemberCaller
from registry.services.tokens import Caller

SENDS_NOTHING = ("HEAD",)


@dataclass(frozen=True)
class Admission:
    """``caller`` may have this kind of content of ``release``, cached as ``cache_control`` says;
    ``shareable`` when anyone may have it, so it may be sent by an address anyone can use."""

    release: Release
    caller: Caller | None
    kind: str
    cache_control: str
    shareable: bool = False


class PackageContent:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.policy = DownloadPolicy(session)

    def admit(self, release: Release, caller: Caller | None, kind: str) -> Admission:
        """Admission for ``caller``; 401 or 403, naming the app, when it may not have it."""
        self.policy.authorise(release, caller)
        return Admission(release, caller, kind, self.policy.cache_control(release), self.policy.shareable(release))

    def admit_all(self, releases: Iterable[Release], caller: Caller | None, kind: str) -> list[Admission]:
        """Every release or none (a bundle): the first refusal is the answer."""
        return [self.admit(release, caller, kind) for release in releases]

    def sent(self, admission: Admission, method: str) -> None:
        """Record content that went out; a ``HEAD`` request sent none."""
        if method.upper() not in SENDS_NOTHING:
            DownloadLog(self.session).record(admission.release, admission.caller, admission.kind)

    def member_caller(self, user: User | None, release: Release) -> MemberCaller | None:
        """The signed-in person acting for one of their organisations: the first (by id) that may
        have this release's content, else the first, so that a refusal names an organisation."""
        if user is None or not user.memberships:
            return None
        organisations = sorted((m.organisation for m in user.memberships), key=lambda o: o.id)
        chosen = next((o for o in organisations if self.policy.refusal(release, o.id) is None), organisations[0])
        return MemberCaller(chosen.id, chosen.slug, chosen.kind, 0, user.id)
