"""Hook specifications of the verification and event plugins.

Every check a release goes through is an implementation of one of these hooks.
Plugin authors import ``hookimpl`` from ``sdk`` and register their module under
the ``gemeente_appstore.plugins`` entry-point group. The same hooks run in the
registry and in ``appstore check`` on an author's machine.

The module imports nothing of the server, so plugins stay usable offline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pluggy

from sdk.findings import Finding
from sdk.package import PackageView
from sdk.profiles import PlatformProfile

PROJECT_NAME = "appstore"
ENTRY_POINT_GROUP = "gemeente_appstore.plugins"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@dataclass(frozen=True)
class Lookalike:
    """Another organisation's app whose id or name a reader cannot tell from this one's.

    ``field`` is ``"id"`` or ``"name"``: which of the two looks alike.
    """

    field: str
    app_id: str
    name: str
    owner: str


@dataclass(frozen=True)
class RegistryFacts:
    """What the registry knows that a package cannot say about itself.

    ``uploader`` is the slug of the organisation whose token publishes;
    ``app_owner`` the organisation that owns the app id (``None`` for a new id);
    ``known_versions`` every version of the app that exists or ever existed;
    ``lookalikes`` the apps of other organisations whose id or name has the
    same confusables skeleton (UTS #39) as this manifest's.
    """

    uploader: str
    uploader_kind: str
    app_owner: str | None = None
    known_versions: frozenset[str] = frozenset()
    lookalikes: tuple[Lookalike, ...] = ()


@dataclass(frozen=True)
class VerificationContext:
    """Everything a check may consult besides the package itself.

    ``registry`` is ``None`` when a package is checked offline (``appstore check``):
    checks that need registry state then have nothing to say.
    """

    registry: RegistryFacts | None = None
    profiles: tuple[PlatformProfile, ...] = ()
    today: date = field(default_factory=date.today)


@dataclass(frozen=True)
class SourceDocument:
    """A document from a package as its author wrote it: path and raw bytes."""

    path: str
    raw: bytes


@dataclass(frozen=True)
class Decision:
    """The verdict on a release: accepted or not, with the findings as decided."""

    accepted: bool
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class ReleaseEvent:
    """A release that changed state, after the change was committed."""

    app_id: str
    version: str
    publisher: str
    sha256: str
    actor: str
    reason: str = ""


@hookspec
def appstore_verify_manifest(
    manifest: Mapping[str, Any], context: VerificationContext
) -> list[Finding] | None:
    """Check the parsed ``appstore.yaml``.

    Called once per package whose manifest parsed to a mapping. Return the
    findings, or ``None`` (or an empty list) when there is nothing to say. Keys
    are dot paths into the manifest, arrays as ``[i]``.
    """


@hookspec
def appstore_verify_package(
    package: PackageView, context: VerificationContext
) -> list[Finding] | None:
    """Check the package as a whole: its files, deploy/ manifests, documents.

    Called once per package that opened safely, also when the manifest is
    missing (``package.manifest`` is then ``None``). Keys are archive paths,
    optionally followed by a dot path inside the file. Return ``None`` for
    nothing to say.
    """


@hookspec
def appstore_verify_publiccode(
    document: SourceDocument, package: PackageView, context: VerificationContext
) -> list[Finding] | None:
    """Check a publiccode.yml document.

    Called for the package's ``publiccode.yml`` when present, and by
    ``appstore validate --kind publiccode`` for standalone files, where
    ``package`` holds the files beside the document (for logo and screenshot
    checks). Keys are dot paths into the document. Return ``None`` for nothing
    to say.
    """


@hookspec
def appstore_verify_platform(
    package: PackageView, profile: PlatformProfile, context: VerificationContext
) -> list[Finding] | None:
    """Check whether the package runs on one platform profile.

    Called once per active profile. Errors here do not reject the release;
    they make it incompatible with ``profile`` in the compatibility matrix.
    Keys are archive paths followed by the document index and field path
    (``deploy/app.yaml[0].spec.template.spec.containers[0].image``). Return
    ``None`` for nothing to say.
    """


@hookspec(firstresult=True)
def appstore_decide(
    findings: Sequence[Finding], context: VerificationContext
) -> Decision | None:
    """Decide whether a release is accepted, given every finding.

    The first implementation that returns a ``Decision`` wins, so a policy
    plugin registered after the built-in one overrides it. A policy may change
    severities (for example, a check that is not binding yet reports a warning
    instead of an error). Return ``None`` to leave the decision to others.
    """


@hookspec
def appstore_release_published(event: ReleaseEvent) -> None:
    """A release was published; called after the database commit.

    Exceptions are logged and never undo the publish.
    """


@hookspec
def appstore_release_yanked(event: ReleaseEvent) -> None:
    """A release was yanked (``event.reason`` says why); called after commit.

    Exceptions are logged and never undo the yank.
    """
