"""Browsing the catalogue in the web store: a search with facets and their counts.

Each facet counts the apps that match every *other* filter, so a person sees
how many apps each choice would give (disjunctive faceting). Three or four
queries per page, whatever the catalogue's size: the page of apps (read in the
order of an index when sorted by relevance without a search); a scan that
counts the total and the layer, licence, publisher-kind and platform facets
nobody chose, and one more for the chosen ones when there are (see
``_summary``; each app row says where its offered release runs,
``App.runs_on``, so neither the platform filter nor its count joins releases
and verdicts); and one grouped query for categories over the index of
``app_category``, for the apps the other filters keep.
The ids of the page and the counts make an outline that the web store keeps
per state of the catalogue; the page's apps and their publishers are read by
id, in two queries.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, replace
from functools import reduce
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.orm import aliased, selectinload

from registry.errors import RegistryError
from registry.models import (
    ORGANISATION_KINDS,
    PROFILE_ACTIVE,
    App,
    AppCategory,
    Organisation,
    PlatformProfileRecord,
)
from registry.services.catalogue import AppPage, AppQuery, CatalogueService, check_query, in_layer, runs_on
from registry.services.search import query_terms
from sdk.licences import OPEN
from sdk.manifest import LAYERS

LICENCE_KINDS = ("open", "proprietary")
#: The apps a search finds, as a condition (see ``SearchIndex.matching``).
Match = ColumnElement[bool]


@dataclass(frozen=True)
class StoreFilters:
    """Filters of the web store beyond those of ``AppQuery``."""

    publisher_kind: str | None = None
    profile: str | None = None  # a platform profile's slug: the latest release runs there


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    label: str = ""  # a display name where the value is a slug (profiles)


@dataclass(frozen=True)
class Facets:
    layer: list[FacetValue]
    category: list[FacetValue]
    publisher_kind: list[FacetValue]
    license: list[FacetValue]
    profile: list[FacetValue]


@dataclass(frozen=True)
class BrowsePage:
    page: AppPage
    facets: Facets


@dataclass(frozen=True)
class BrowseOutline:
    """What a results page shows, without the apps themselves: their ids in order, the
    total, the facets and a suggestion. Plain values, so a worker may keep it for as long
    as the catalogue does not change (``registry.http_caching``)."""

    app_ids: tuple[int, ...]
    total: int
    facets: Facets
    suggestion: str | None


class BrowseService(CatalogueService):
    def browse(self, query: AppQuery, filters: StoreFilters = StoreFilters()) -> BrowsePage:
        """One page of apps that match ``query`` and ``filters``, with the counts of every facet."""
        return self.page_of(self.outline(query, filters), query)

    def outline(self, query: AppQuery, filters: StoreFilters = StoreFilters()) -> BrowseOutline:
        """The page's app ids and the counts of every facet (the queries that cost)."""
        self._check(query, filters)
        terms = query_terms(query.q)
        ranked, matched = self._hits(query, terms)
        wanted = self._where(select(App.id), query, filters, None if ranked is not None else matched)
        statement = self._ordered(wanted, query.sort, ranked)
        statement = statement.limit(query.page_size).offset((query.page - 1) * query.page_size)
        ids = tuple(self.session.scalars(statement))
        total, layer, licence, kind, profile = self._summary(query, filters, matched)
        facets = Facets(
            layer=layer,
            category=self._category_counts(query, filters, matched),
            publisher_kind=kind,
            license=licence,
            profile=profile,
        )
        return BrowseOutline(ids, total, facets, self._suggestion(terms, total))

    def page_of(self, outline: BrowseOutline, query: AppQuery) -> BrowsePage:
        """The page ``outline`` describes, its apps and their publishers read in two queries."""
        found = {app.id: app for app in self.session.scalars(
            select(App).where(App.id.in_(outline.app_ids)).options(selectinload(App.organisation)))}
        items = [found[i] for i in outline.app_ids if i in found]
        page = AppPage(items, outline.total, query.page, query.page_size, outline.suggestion)
        return BrowsePage(page, outline.facets)

    def _check(self, query: AppQuery, filters: StoreFilters) -> None:
        check_query(query)
        if filters.publisher_kind is not None and filters.publisher_kind not in ORGANISATION_KINDS:
            raise RegistryError(f"`kind` must be one of {', '.join(ORGANISATION_KINDS)}.")

    def _where(self, statement: Select, query: AppQuery, filters: StoreFilters, hits: Match | None) -> Select:
        statement = self._filtered(statement, query, hits)
        if filters.publisher_kind:
            statement = statement.where(App.organisation_id.in_(
                select(Organisation.id).where(Organisation.kind == filters.publisher_kind)))
        if filters.profile:
            statement = statement.where(runs_on(filters.profile))
        return statement

    def _summary(
        self, query: AppQuery, filters: StoreFilters, hits: Match | None
    ) -> tuple[int, list[FacetValue], list[FacetValue], list[FacetValue], list[FacetValue]]:
        """The total and the layer, licence, kind and platform counts, in one scan or two.

        Each count tests its value and the chosen filters of the other facets. With one
        facet chosen, that filter is shared by every count but its own facet's: a scan
        narrowed by it counts the total and the other facets, and a second scan counts
        the chosen facet, so a row tests the filter once rather than once per count.
        With more chosen, one scan leaves out the apps that fail two filters or more
        (no count takes them).
        """
        publisher = aliased(Organisation)
        licence = {"open": App.license_kind == OPEN, "proprietary": App.license_kind != OPEN}
        profiles = self.session.execute(
            select(PlatformProfileRecord.slug, PlatformProfileRecord.name)
            .where(PlatformProfileRecord.status == PROFILE_ACTIVE).order_by(PlatformProfileRecord.name)
        ).all()
        values: dict[str, list[tuple[str, Any]]] = {
            "layer": [(layer, in_layer(layer)) for layer in LAYERS],
            "license": [(kind, licence[kind]) for kind in LICENCE_KINDS],
            "kind": [(kind, publisher.kind == kind) for kind in ORGANISATION_KINDS],
            "profile": [(slug, runs_on(slug)) for slug, _ in profiles],
        }
        chosen = {name: condition for name, condition in {
            "layer": in_layer(query.layer) if query.layer else None,
            "license": licence[query.license] if query.license in LICENCE_KINDS else None,
            "kind": publisher.kind == filters.publisher_kind if filters.publisher_kind else None,
            "profile": runs_on(filters.profile) if filters.profile else None,
        }.items() if condition is not None}
        # The layer, licence, kind and platform filters are the scans' own; the rest narrow every scan.
        base = self._where(select().select_from(App).join(publisher, App.organisation_id == publisher.id),
                           replace(query, layer=None, license=_unfaceted_licence(query.license)),
                           replace(filters, publisher_kind=None, profile=None), hits)

        def scan(columns: list[Any], *narrowed: Any) -> list[int]:
            return [int(v or 0) for v in self.session.execute(base.add_columns(*columns).where(*narrowed)).one()]

        counted = [(facet, value) for facet in values for value, _ in values[facet]]
        if len(chosen) == 1:
            [(only, condition)] = chosen.items()
            row = scan([func.count()] + [func.count().filter(c) for f in values if f != only for _, c in values[f]],
                       condition)
            row += scan([func.count().filter(c) for _, c in values[only]]) if values[only] else []
            counted = [(f, v) for f, v in counted if f != only] + [(f, v) for f, v in counted if f == only]
        else:
            columns = [func.count().filter(and_(*chosen.values())) if chosen else func.count()]
            for facet in values:
                others = [c for name, c in chosen.items() if name != facet]
                columns += [func.count().filter(and_(condition, *others)) for _, condition in values[facet]]
            fails = [case((condition, 0), else_=1) for condition in chosen.values()]
            row = scan(columns, *([reduce(operator.add, fails) <= 1] if fails else []))
        count = dict(zip(counted, row[1:], strict=True))
        layers = [FacetValue(v, count["layer", v]) for v in LAYERS]
        licences = [FacetValue(v, count["license", v]) for v in LICENCE_KINDS]
        kinds = [FacetValue(v, n) for v in ORGANISATION_KINDS if (n := count["kind", v])]
        platforms = [FacetValue(slug, count["profile", slug], name) for slug, name in profiles]
        return row[0], layers, licences, kinds, platforms

    def _category_counts(self, query: AppQuery, filters: StoreFilters, hits: Match | None) -> list[FacetValue]:
        """The 30 most common categories of the apps that match the other filters."""
        others = replace(query, category=None)
        if _unfiltered(others, filters, hits):
            # Every app in the catalogue: leave out the few without a release (an id an earlier
            # version claimed before its release failed) rather than look up thousands that are in.
            kept = AppCategory.app_id.not_in(select(App.id).where(App.latest_version.is_(None)))
        else:
            kept = AppCategory.app_id.in_(self._where(select(App.id), others, filters, hits))
        count = func.count()
        statement = (select(AppCategory.category, count).where(kept)
                     .group_by(AppCategory.category).order_by(count.desc(), AppCategory.category).limit(30))
        return [FacetValue(str(v), n) for v, n in self.session.execute(statement).all() if v]


def _unfiltered(query: AppQuery, filters: StoreFilters, hits: Match | None) -> bool:
    """Whether ``query`` and ``filters`` keep every app of the catalogue."""
    return hits is None and not (query.q or query.layer or query.category or query.publisher or query.license
                                 or filters.publisher_kind or filters.profile)


def _unfaceted_licence(licence: str | None) -> str | None:
    """A licence filter the facet does not cover (one SPDX id) stays in the WHERE."""
    return licence if licence not in LICENCE_KINDS else None
