"""The catalogue: finding apps and their releases."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, bindparam, delete, exists, func, insert, select
from sqlalchemy.orm import Session, selectinload

from registry.errors import NotFound, RegistryError
from registry.models import (
    PROFILE_ACTIVE,
    RELEASE_PUBLISHED,
    App,
    AppCategory,
    CompatibilityRecord,
    Organisation,
    PlatformProfileRecord,
    Release,
    table_of,
    utcnow,
)
from registry.services.installations import adoption_counts
from registry.services.search import MAX_QUERY_LENGTH, SearchIndex, query_terms
from registry.services.search.documents import SearchDocument
from sdk.licences import OPEN
from sdk.manifest import LAYERS
from sdk.verification import Compatibility
from sdk.versions import sort_key

#: How results can be ordered: by relevance (the search's rank, or what runs
#: and changed lately without a search), name, last release, adoption.
SORTS = ("relevance", "name", "released", "adoption")


@dataclass(frozen=True)
class AppQuery:
    """A search: free text plus filters, one page of results."""

    q: str = ""
    layer: str | None = None
    category: str | None = None
    publisher: str | None = None
    license: str | None = None
    page: int = 1
    page_size: int = 20
    sort: str = "relevance"


@dataclass(frozen=True)
class AppPage:
    items: list[App]
    total: int
    page: int
    page_size: int
    suggestion: str | None = None  # a query that finds apps, when this one found none


class CatalogueService:
    def __init__(self, session: Session) -> None:
        self.session = session

    def search(self, query: AppQuery) -> AppPage:
        check_query(query)
        terms = query_terms(query.q)
        ranked, matched = self._hits(query, terms)
        statement = self._filtered(select(App), query, None if ranked is not None else matched)
        total = self.session.scalar(self._filtered(select(func.count(App.id)), query, matched)) or 0
        statement = self._ordered(statement.options(selectinload(App.organisation)), query.sort, ranked)
        statement = statement.limit(query.page_size).offset((query.page - 1) * query.page_size)
        items = list(self.session.scalars(statement))
        return AppPage(items, total, query.page, query.page_size, self._suggestion(terms, total))

    def _hits(self, query: AppQuery, terms: list[str]) -> tuple[Subquery | None, ColumnElement[bool] | None]:
        """The apps the search finds: ranked, for a page in order of relevance (else None),
        and as a condition, for filtering and counting (ranking every match costs)."""
        if not query.q.strip():
            return None, None
        index = SearchIndex(self.session)
        ranked = index.hits(terms) if query.sort == "relevance" else None
        return ranked, index.matching(terms)

    def _suggestion(self, terms: list[str], total: int) -> str | None:
        return SearchIndex(self.session).suggest(terms) if terms and not total else None

    def _filtered(self, statement: Select, query: AppQuery, matched: ColumnElement[bool] | None) -> Select:
        statement = statement.where(App.latest_version.is_not(None))
        if matched is not None:
            statement = statement.where(matched)
        if query.layer:
            statement = statement.where(in_layer(query.layer))
        if query.category:
            statement = statement.where(in_category(query.category))
        if query.publisher:
            statement = statement.join(Organisation, App.organisation).where(Organisation.slug == query.publisher)
        if query.license == "open":
            statement = statement.where(App.license_kind == OPEN)
        elif query.license == "proprietary":
            statement = statement.where(App.license_kind != OPEN)
        elif query.license:
            statement = statement.where(App.license == query.license)
        return statement

    def _ordered(self, statement: Select, sort: str, ranked: Subquery | None) -> Select:
        """``statement`` (apps) in the order ``sort`` asks; joined with ``ranked``, the apps a
        search finds with their rank, which also keeps only those."""
        if sort == "name":
            return statement.order_by(func.lower(App.name), App.slug)
        if sort == "released":
            return statement.order_by(last_release().desc(), App.slug)
        if sort == "adoption":
            counts = adoption_counts()
            return statement.outerjoin(counts, counts.c.app_id == App.id).order_by(
                func.coalesce(counts.c.count, 0).desc(), func.lower(App.name), App.slug)
        # Apps that run on a platform come first: one that runs nowhere cannot be installed.
        if ranked is None:
            return statement.order_by(App.runs_somewhere.desc(), App.updated_at.desc(), App.slug)
        return statement.join(ranked, ranked.c.app_id == App.id).order_by(
            App.runs_somewhere.desc(), ranked.c.rank, App.updated_at.desc(), App.slug)

    def app(self, slug: str) -> App:
        app = self.session.scalars(
            select(App).where(App.slug == slug).options(selectinload(App.releases), selectinload(App.organisation))
        ).first()
        if app is None or not app.releases:
            raise NotFound(f"There is no app `{slug}`; search the catalogue with GET /api/v1/apps?q=...",
                           page_code="app.not-found", page_data={"app": slug})
        return app

    def names(self, slugs: list[str]) -> dict[str, str]:
        """The names of the apps ``slugs`` that are in the catalogue (a plugin's page names its host)."""
        rows = self.session.execute(select(App.slug, App.name).where(App.slug.in_(slugs)))
        return {slug: name for slug, name in rows}

    def release(self, slug: str, version: str) -> Release:
        release = self.session.scalars(
            select(Release).join(App).where(App.slug == slug, Release.version == version)
            .options(selectinload(Release.findings), selectinload(Release.yanks), selectinload(Release.artifact))
        ).first()
        if release is None:
            raise NotFound(f"There is no release {version} of `{slug}`.", page_code="release.not-found",
                           page_data={"app": slug, "version": version})
        return release


def refresh_latest_version(session: Session, app: App) -> None:
    """Set the version the catalogue offers: the newest release that is not yanked and
    runs on an active platform profile, else the newest that is not yanked (and the
    app is marked as running nowhere). Read in SQL after flushing, so that the
    verdicts recorded with a new release count.

    The app row is updated first, which locks it on PostgreSQL (SQLite locks
    the whole database for a write), so concurrent publishes of one app take
    turns here and each sees the others' committed releases.
    """
    app.updated_at = utcnow()
    session.flush()
    offer_latest_version(session, app)


def offer_latest_version(session: Session, app: App, published: Release | None = None,
                         entry: SearchDocument | None = None) -> None:
    """``refresh_latest_version`` for a caller that has flushed the app's change itself
    (with ``updated_at``) and written its verdicts since. ``published`` is the release just
    recorded, with its verdicts in memory: when it is the one on offer, its profiles come
    from there rather than from a read. ``entry``: the app's search entry, when the caller
    worked it out before writing (``SearchIndex.prepare``)."""
    _offer(app, session.execute(_OFFERABLE, {"app_id": app.id}).all())
    if published is not None and app.latest_version == published.version:
        profiles: Iterable[str] = [verdict.profile.slug for verdict in published.compatibility if verdict.compatible]
    else:
        with session.no_autoflush:  # the app's new values go out in one UPDATE, after this read
            profiles = list(session.scalars(_COMPATIBLE_PROFILES, {"app_id": app.id, "version": app.latest_version}))
    app.runs_on = runs_on_column(profiles)
    search = SearchIndex(session)
    search.write(entry or search.prepare(app), app.id, new=False)


def offer_first_version(app: App, release: Release, verdicts: Iterable[Compatibility]) -> None:
    """What ``offer_latest_version`` decides for a new app whose one release is ``release``,
    with its ``verdicts``, all on active profiles: set before the app's row is first
    written, so that it is written once, and nothing is read."""
    verdicts = list(verdicts)
    _offer(app, [(release.version, any(verdict.runs for verdict in verdicts), release.license, release.license_kind)])
    app.runs_on = runs_on_column(verdict.profile for verdict in verdicts if verdict.compatible)


def _offer(app: App, releases: Sequence[Sequence[Any]]) -> None:
    """Offer the newest of ``releases`` (version, whether it runs on an active profile, licence,
    licence kind) that runs, else the newest, and say whether any runs."""
    running = [release for release in releases if release[1]]
    app.runs_somewhere = bool(running)
    if releases:
        offered = max(running or releases, key=lambda release: sort_key(release[0]))
        # The catalogue's licence facet follows the offered release; access is per release.
        app.latest_version, app.license, app.license_kind = offered[0], offered[2], offered[3]


# The two reads of every publish, made once (not built and keyed for the cache each time).
#: Each release on offer: its version, whether it runs on an active profile, its licence.
_OFFERABLE = select(Release.version, exists(
    select(CompatibilityRecord.id)
    .join(PlatformProfileRecord, PlatformProfileRecord.id == CompatibilityRecord.profile_id)
    .where(CompatibilityRecord.release_id == Release.id, CompatibilityRecord.runs.is_(True),
           PlatformProfileRecord.status == PROFILE_ACTIVE)
), Release.license, Release.license_kind).where(Release.app_id == bindparam("app_id"),
                                                Release.status == RELEASE_PUBLISHED)
#: The profiles a release (``app_id``, ``version``) is compatible with.
_COMPATIBLE_PROFILES = (
    select(PlatformProfileRecord.slug)
    .join(CompatibilityRecord, CompatibilityRecord.profile_id == PlatformProfileRecord.id)
    .join(Release, Release.id == CompatibilityRecord.release_id)
    .where(Release.app_id == bindparam("app_id"), Release.version == bindparam("version"),
           CompatibilityRecord.compatible.is_(True))
)


def check_query(query: AppQuery) -> None:
    """Refuse a search the catalogue cannot answer, saying what to change."""
    if len(query.q) > MAX_QUERY_LENGTH:
        raise RegistryError(f"The search text is longer than {MAX_QUERY_LENGTH} characters; shorten it.")
    if query.layer is not None and query.layer not in LAYERS:
        raise RegistryError(f"`layer` must be one of {', '.join(LAYERS)}.")
    if query.sort not in SORTS:
        raise RegistryError(f"`sort` must be one of {', '.join(SORTS)}.")


def last_release() -> Any:
    """When an app last published a release that is still offered (correlated, for ORDER BY)."""
    return (select(func.max(Release.published_at))
            .where(Release.app_id == App.id, Release.status == RELEASE_PUBLISHED).scalar_subquery())


def layers_column(layers: tuple[str, ...]) -> str:
    """How ``App.layers`` keeps an app's layers: ",process,integration,"."""
    return f",{','.join(layers)}," if layers else ""


def runs_on_column(profiles: Iterable[str]) -> str:
    """How ``App.runs_on`` keeps the profiles of the offered release: ",haven,vng-cloud,"."""
    slugs = sorted(set(profiles))
    return f",{','.join(slugs)}," if slugs else ""


def runs_on(profile: str) -> Any:
    """Apps whose offered release is verified compatible with ``profile``."""
    return App.runs_on.like(_listed(profile), escape="/")


def in_layer(layer: str) -> Any:
    """Apps that belong to ``layer``, whether it is their only layer or one of several."""
    return App.layers.like(_listed(layer), escape="/")


def _listed(value: str) -> str:
    """The LIKE pattern of ``value`` in a ",a,b," column, made once here rather than
    concatenated by the database for every row it tests."""
    escaped = value.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%,{escaped},%"


#: The table of ``AppCategory``: its rows go out as plain Core inserts.
_CATEGORIES = table_of(AppCategory)


def in_category(category: str) -> Any:
    """Apps with ``category`` among theirs (through the index of ``app_category``)."""
    return App.id.in_(select(AppCategory.app_id).where(AppCategory.category == category.lower()))


def keep_categories(session: Session, app: App, categories: Iterable[str], stored: set[str] | None = None) -> None:
    """Set ``app``'s categories: the list as published, and its ``app_category`` rows
    (changed, not rewritten, so a publish that keeps them writes nothing there).
    ``stored``: the rows there are, when the caller knows (none for an app it just made);
    else they are the app's categories so far, which this function alone keeps in step."""
    categories = list(categories)
    if stored is None:
        stored = {value.lower() for value in app.categories or ()}
    if app.categories != categories:  # an equal list set again would still cost the app a flush
        app.categories = categories
    wanted = {value.lower() for value in categories}
    if stored - wanted:
        session.execute(delete(AppCategory).where(AppCategory.app_id == app.id,
                                                  AppCategory.category.in_(sorted(stored - wanted))))
    if wanted - stored:  # Core: the unit of work's bookkeeping would cost more than the rows
        session.execute(insert(_CATEGORIES), [{"app_id": app.id, "category": value}
                                              for value in sorted(wanted - stored)])
