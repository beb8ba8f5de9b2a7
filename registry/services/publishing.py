"""Publishing a release: receive, open safely, verify, decide, persist, commit, notify.

Each step is a small function. The artifact is moved into the store before the
database commit, so the database never points at a missing file; a crash in
between leaves an orphaned file that ``fsck`` reports and repairs.

A publish is the documented exception to "services flush, the request commits"
(``registry.transactions``). It commits on its own: the release with its
artifact (and, for a new app, the app's row), while the artifact's lock is
held, because a failed publish of the same file only deletes it when no
committed release refers to it. Of two concurrent first publishes of one new
app, the unique app id lets exactly one make it. Anything the request flushed
before is committed with the release; the release event is announced after
that commit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

import pluggy
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state

from registry import metrics
from registry.errors import Conflict, Forbidden, RegistryError, StorageUnavailable, VerificationFailed
from registry.loaded_inserts import LoadedInserts
from registry.models import App, Artifact, Organisation, PlatformProfileRecord, Release, utcnow
from registry.services import audit
from registry.services.catalogue import keep_categories, layers_column, offer_first_version, offer_latest_version
from registry.services.compatibility import published_rows, record_published
from registry.services.events import announce
from registry.services.initiative_links import link_after_publish
from registry.services.leftovers import Leftovers
from registry.services.lookalikes import LookalikeService
from registry.services.lookalikes import remember as remember_skeletons
from registry.services.profiles import ProfileService
from registry.services.publisher_keys import PublisherKeyService, SignatureClaim, Signing
from registry.services.receiving import ReceivedUpload, receive
from registry.services.release_assets import attach, store_images
from registry.services.search import SearchIndex
from registry.services.signature_policy import with_signature_policy
from registry.services.tokens import Caller
from registry.services.webhooks import events as webhook_events
from registry.sqlite_turns import defer_to_writers
from registry.storage import ArtifactStore
from sdk.archive import ArchiveLimits, open_package
from sdk.budget import Budget, OutOfTime, WorkLimits
from sdk.errors import PackageRejected
from sdk.findings import Finding
from sdk.frozen import thaw
from sdk.hookspecs import Decision, Lookalike, RegistryFacts, ReleaseEvent, VerificationContext
from sdk.licences import Licence, LicenceError, normalise_licence
from sdk.manifest import Manifest, is_slug
from sdk.package import PackageView
from sdk.publiccode import catalogue_fields, commonground_layer, publiccode_of, search_text
from sdk.verdicts import Verdict
from sdk.verification import Compatibility, check_platforms, timing_plugins, verify_package
from sdk.versions import is_version, precedence_key

log = logging.getLogger(__name__)



@dataclass(frozen=True)
class PublishSettings:
    max_upload_bytes: int
    limits: ArchiveLimits
    work: WorkLimits = WorkLimits()


class PublishService:
    """Turns an uploaded package into a published release, or says why not."""

    def __init__(
        self,
        session: Session,
        store: ArtifactStore,
        plugins: pluggy.PluginManager,
        settings: PublishSettings,
        leftovers: Leftovers,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.session = session
        self.store = store
        self.leftovers = leftovers
        self.plugins = plugins
        self.settings = settings
        self.today = today

    def publish(self, stream: IO[bytes], filename: str, caller: Caller,
                signature: SignatureClaim | None = None) -> Release:
        try:
            with timing_plugins(_after_plugin):
                release = self._publish(stream, filename, caller, signature)
        except (RegistryError, PackageRejected):
            metrics.publish_counted("refused")
            raise
        except BaseException:
            metrics.publish_counted("failed")
            raise
        metrics.publish_counted("accepted")
        return release

    def _publish(self, stream: IO[bytes], filename: str, caller: Caller, signature: SignatureClaim | None) -> Release:
        upload = receive(stream, filename, self.settings.max_upload_bytes)
        try:
            signing = None if signature is None else PublisherKeyService(self.session).check(
                caller.organisation_id, upload.sha256, signature)
            budget = Budget(self.settings.work)  # one budget for the whole of this upload
            package, preliminary = self._open(upload)
            profiles = ProfileService(self.session).active()
            app_id = (package.manifest or {}).get("id")
            app = self._app(app_id) if isinstance(app_id, str) else None  # read once, used until the commit
            facts = self._facts(package, caller, app)
            context = VerificationContext(registry=facts, profiles=tuple(p for _, p in profiles), today=self.today())
            decision = verify_package(self.plugins, package, context, preliminary, budget)
            if not decision.accepted:
                refusal = self._refusal(decision, package, facts)
                refusal.verdicts = self._verdicts_of_refused(package, context, budget)
                raise refusal
            compatibility = with_signature_policy(self._platforms(package, context, budget),
                                                  {p.id: p for _, p in profiles}, signing is not None, context.today)
            records = {p.id: r for r, p in profiles}
            licence = _licence(package, decision)
            release = self._persist(upload, package, decision, compatibility, records, caller, licence, signing, app)
        finally:
            upload.discard()  # the store holds its own copy of an accepted package
        self._notify(release, caller)
        return release

    def _open(self, upload: ReceivedUpload) -> tuple[PackageView, list[Finding]]:
        try:
            return open_package(upload.path, self.settings.limits, filename=upload.filename, sha256=upload.sha256)
        except PackageRejected as rejected:
            findings = [f.stamped("archive") for f in rejected.findings]
            raise VerificationFailed(rejected.message, findings=findings) from None

    def _platforms(self, package: PackageView, context: VerificationContext, budget: Budget) -> list[Compatibility]:
        try:
            return check_platforms(self.plugins, package, context, budget)
        except OutOfTime as late:
            raise VerificationFailed(late.message, findings=late.findings) from None

    def _verdicts_of_refused(self, package: PackageView, context: VerificationContext,
                             budget: Budget) -> tuple[Verdict, ...]:
        """Where a refused package would run, so that its author reads that first; out
        of time there is no verdict, and the refusal's own findings still count."""
        try:
            results = check_platforms(self.plugins, package, context, budget)
        except OutOfTime:
            return ()
        names = {profile.id: profile.name for profile in context.profiles}
        return tuple(Verdict.of(result, names.get(result.profile, result.profile)) for result in results)

    def _facts(self, package: PackageView, caller: Caller, app: App | None) -> RegistryFacts:
        manifest = package.manifest or {}
        return RegistryFacts(
            uploader=caller.organisation,
            uploader_kind=caller.kind,
            app_owner=app.organisation.slug if app else None,
            known_versions=frozenset(r.version for r in app.releases) if app else frozenset(),
            lookalikes=self._lookalikes(manifest, caller),
        )

    def _lookalikes(self, manifest: Mapping[str, Any], caller: Caller) -> tuple[Lookalike, ...]:
        """Other organisations' apps that the manifest's id or name would pass for."""
        app_id, name = manifest.get("id"), manifest.get("name")
        if not is_slug(app_id):
            return ()  # the schema reports the id; there is nothing to compare
        return LookalikeService(self.session).of(app_id, name if isinstance(name, str) else None,
                                                 caller.organisation_id)

    def _refusal(self, decision: Decision, package: PackageView, facts: RegistryFacts) -> RegistryError:
        """The refusal of a rejected package, with the status the registry's own facts call for.

        403 when the caller may not publish this app, 409 when the version exists
        or existed, else 422. Never decided by finding codes: any plugin may emit
        any code, and none may turn a bad package into a permission question.
        """
        findings = list(decision.findings)
        manifest = package.manifest or {}
        publisher = manifest.get("publisher")
        if (facts.app_owner is not None and facts.app_owner != facts.uploader) or (
                isinstance(publisher, str) and publisher != facts.uploader):
            return Forbidden("Your organisation may not publish this app.", findings=findings,
                             page_code="publish.not-yours", page_data={"organisation": facts.uploader})
        version = manifest.get("version")
        if isinstance(version, str) and is_version(version) and precedence_key(version) in {
                precedence_key(v) for v in facts.known_versions}:
            return self._version_conflict(str(manifest.get("id")), version, findings)  # known versions: a valid id
        count = sum(1 for f in findings if f.is_error)
        return VerificationFailed(
            f"The package did not pass verification: {count} error(s). Fix them and publish again.",
            findings=findings, page_code="publish.rejected", page_data={"count": count},
        )

    def _version_conflict(self, app_id: str, version: str, findings: list[Finding]) -> Conflict:
        existing = self._release(app_id, version)
        return Conflict(
            f"Version {version} of {app_id} exists or existed; versions are never reused.",
            findings=findings, page_code="publish.version-exists", page_data={"app": app_id, "version": version},
            sha256=existing.artifact_sha256 if existing else None,
        )

    def _persist(
        self, upload: ReceivedUpload, package: PackageView, decision: Decision,
        compatibility: list[Compatibility], records: dict[str, PlatformProfileRecord], caller: Caller,
        licence: Licence, signing: Signing | None = None, known: App | None = None,
    ) -> Release:
        manifest = Manifest.from_mapping(package.manifest or {})
        publiccode = publiccode_of(package)

        def store_and_record(app: App, *, first: bool) -> Release:
            return self._store_and_record(upload, package, app, manifest, publiccode, decision, compatibility,
                                          records, caller, licence, signing, first=first)

        if known is not None:
            return store_and_record(self._owned(known, manifest, caller), first=False)
        try:
            return store_and_record(self._new_app(manifest, licence, caller), first=True)
        except _MadeMeanwhile:
            # A concurrent publish made the app between our read and our commit: publish into it if ours.
            return store_and_record(self._owned(self._made_app(manifest.id), manifest, caller), first=False)

    def _store_and_record(
        self, upload: ReceivedUpload, package: PackageView, app: App, manifest: Manifest, publiccode: dict | None,
        decision: Decision, compatibility: list[Compatibility], records: dict[str, PlatformProfileRecord],
        caller: Caller, licence: Licence, signing: Signing | None, *, first: bool,
    ) -> Release:
        """Store the package and record its release; ``first`` when this publish makes the app (its row
        goes in with the release, in one transaction: no id is ever taken without a release)."""
        # Images first, each under its own lock; one left behind by a failure is an orphan fsck removes.
        images = store_images(self.store, package)
        with self.store.lock(upload.sha256):
            with upload.open() as source:
                try:
                    self.store.write(source, expected=upload.sha256)  # a failure is counted by the store
                except StorageUnavailable:  # gone mid-write: whether it kept the object is unknown
                    self._take_back_unanswered(upload.sha256)
                    raise
            rows_of = LoadedInserts(self.session)
            try:
                # The rows are worked out first and written together at the end: on SQLite the first
                # write takes the database's write lock, which every other publish then waits for.
                with self.session.no_autoflush:
                    release = self._record(upload, package, app, manifest, publiccode, decision, caller, licence,
                                           first)
                    attach(release, images)
                    if signing is not None:
                        signing.attach(release)
                    rows = published_rows(decision.findings,
                                          [(records[result.profile], result) for result in compatibility])
                    if first:
                        offer_first_version(app, release, compatibility)
                    search = SearchIndex(self.session)
                    entry = search.prepare(app)
                    # The new rows, each one INSERT; what else changed (a known app, the release's
                    # images and signature) the unit of work writes with the next statement.
                    rows_of.insert(*(row for row in (app, release.artifact, release) if instance_state(row).transient))
                if first:  # the app has its id only now
                    keep_categories(self.session, app, manifest.categories, stored=set())
                record_published(self.session, release, rows)
                audit.record_at_once(self.session, caller.actor, "release.publish",
                                     f"{manifest.id}@{manifest.version}", sha256=upload.sha256, size=upload.size)
                if first:
                    search.write(entry, app.id, new=True)
                else:
                    offer_latest_version(self.session, app, release, entry)  # after the verdicts: offers what runs
                self.session.commit()  # under the artifact's lock: see the module docstring
            except IntegrityError:
                rows_of.roll_back()
                self.leftovers.take_back(self.session, upload.sha256)
                if first:
                    raise _MadeMeanwhile from None
                raise self._version_conflict(manifest.id, manifest.version, list(decision.findings)) from None
            except BaseException:
                rows_of.roll_back()
                self.leftovers.take_back(self.session, upload.sha256)
                raise
        return release

    def _take_back_unanswered(self, key: str) -> None:
        """After a write of ``key`` that the store did not answer: it may have kept the object
        although its answer was lost (it went away mid-write), so it is taken back, now or once
        the store answers again (``Leftovers``). The write's own failure is what the publish
        reports. (A store that answers with a failure cleans up after itself.)"""
        try:
            self.leftovers.take_back(self.session, key)
        except Exception:  # noqa: BLE001  (the store or the database is away: the leftovers or fsck see to it)
            log.info("the package %s is taken back once the artifact store answers", key)

    def _record(
        self, upload: ReceivedUpload, package: PackageView, app: App, manifest: Manifest,
        publiccode: dict | None, decision: Decision, caller: Caller, licence: Licence, first: bool,
    ) -> Release:
        app.name = manifest.name
        app.summary = manifest.summary
        app.layer = manifest.layer or commonground_layer(publiccode)
        app.layers = layers_column(manifest.layers or ((app.layer,) if app.layer else ()))
        if first:
            app.categories = list(manifest.categories)  # its rows follow once the app has an id
        else:
            keep_categories(self.session, app, manifest.categories)
        app.search_text = _search_text(manifest, publiccode)
        remember_skeletons(app)
        app.updated_at = utcnow()
        # A new app's package cannot be stored yet: the same bytes would name the same app.
        artifact = None if first else self.session.get(Artifact, upload.sha256)
        if artifact is None:  # inserted with the release
            artifact = Artifact(sha256=upload.sha256, size=upload.size, filename=_canonical_name(manifest))
        # A new release has no yanks, assets or signature yet: saying so saves a query for each
        # (its findings and verdicts come with their rows, in record_published).
        release = Release(
            yanks=[], assets=[], signature=None, artifact=artifact,
            app=app,
            version=manifest.version,
            manifest=thaw(package.manifest or {}),  # a plain copy of what every check saw
            publiccode=catalogue_fields(publiccode) if publiccode else None,
            readme=package.text("README.md"),
            changelog=package.text("CHANGELOG.md"),
            license=licence.expression,
            license_kind=licence.kind,
            artifact_sha256=upload.sha256,
            published_by=caller.organisation_id,
        )
        webhook_events.release_published(self.session, release)
        return release

    def _new_app(self, manifest: Manifest, licence: Licence, caller: Caller) -> App:
        """The row of an app this publish makes; it is inserted with the release. Two first
        versions of one new app published at the same moment both try to insert it: the unique
        id lets one commit, and the other publishes into the app it made (``_MadeMeanwhile``),
        when it belongs to the same organisation."""
        app = App(slug=manifest.id, organisation=self._organisation_of(caller), name=manifest.name,
                  summary=manifest.summary, license=licence.expression, license_kind=licence.kind,
                  categories=[], advisories=[])  # a new app has no advisories: its answer reads none
        remember_skeletons(app)
        return app

    def _organisation_of(self, caller: Caller) -> Organisation:
        """The caller's organisation as a row of this session, from what the token's lookup
        read (its id, slug and kind): a new app's webhook data and the answer name it, and
        reading the row again would cost a query on every first publish. Its other columns
        load if they are read."""
        known = self.session.identity_map.get(self.session.identity_key(Organisation, caller.organisation_id))
        if isinstance(known, Organisation):
            return known
        organisation = Organisation(id=caller.organisation_id, slug=caller.organisation, kind=caller.kind)
        make_transient_to_detached(organisation)  # a row that exists, not one to insert
        self.session.add(organisation)
        return organisation

    def _owned(self, app: App, manifest: Manifest, caller: Caller) -> App:
        """``app`` when the caller's organisation owns it; ``Forbidden`` otherwise."""
        if app.organisation_id != caller.organisation_id:
            raise Forbidden(f"The app id `{manifest.id}` belongs to `{app.organisation.slug}`; choose another id.")
        return app

    def _notify(self, release: Release, caller: Caller) -> None:
        # The publisher is the caller's organisation: _owned refused any other.
        event = ReleaseEvent(release.app.slug, release.version, caller.organisation,
                             release.artifact_sha256, caller.actor)
        # The release is committed; a listener's fault must not undo it, nor silence the others.
        announce(self.plugins, "appstore_release_published", event)
        link_after_publish(self.session, release)  # the initiatives that planned this app

    def _release(self, app_id: str, version: str) -> Release | None:
        return self.session.scalars(
            select(Release).join(App).where(App.slug == app_id, Release.version == version)
        ).first()

    def _app(self, slug: str) -> App | None:
        return self.session.scalars(_APP_BY_SLUG, {"slug": slug}).first()

    def _made_app(self, slug: str) -> App:
        """The app a concurrent publish made while this one verified: it exists by now."""
        return self.session.scalars(_APP_BY_SLUG, {"slug": slug}).one()


#: Built once: every publish reads its app.
_APP_BY_SLUG = select(App).where(App.slug == bindparam("slug"))


def _after_plugin(plugin: str, seconds: float) -> None:
    """After each plugin's call in a publish: count its time, and let a thread of this worker
    that is writing go first (on SQLite every other publish waits for that writer)."""
    metrics.plugin_timed(plugin, seconds)
    defer_to_writers()


class _MadeMeanwhile(Exception):
    """The app a publish meant to make was made by a concurrent publish first."""


def _licence(package: PackageView, decision: Decision) -> Licence:
    """The licence, normalised once; who may download the release follows from it.

    The licence plugin reports an unreadable expression, but whatever the decision
    says, a release whose access cannot be decided is never published.
    """
    text = (package.manifest or {}).get("license")
    try:
        return normalise_licence(text if isinstance(text, str) else "")
    except LicenceError as exc:
        finding = Finding.error("licence.invalid", f"`{text}` is not an SPDX expression: {exc}.", "license")
        raise VerificationFailed("The package's licence cannot be read; write an SPDX expression such as "
                                 "EUPL-1.2, or LicenseRef-Proprietary for a commercial module.",
                                 findings=[*decision.findings, finding.stamped("licence")]) from None


def _search_text(manifest: Manifest, publiccode: dict | None) -> str:
    parts = [manifest.id, manifest.name, manifest.summary, " ".join(manifest.categories), search_text(publiccode)]
    return "\n".join(p for p in parts if p).lower()


def _canonical_name(manifest: Manifest) -> str:
    return f"{manifest.id}-{manifest.version}.tar.gz"
