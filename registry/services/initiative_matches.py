"""Initiatives and published apps that look like a draft initiative: "join one of these instead?".

How a candidate scores (0 to 1), the same for initiatives and apps:

- APIs, weight 0.4: the share of the draft's APIs that the candidate has too (an initiative's
  provided or used APIs; an app's provided APIs, from the provider index).
- categories, weight 0.2: the share of the draft's categories the candidate has too.
- text, weight 0.4: the share of the draft's key words the candidate contains. Key words are
  the longest distinct words of the title and problem (at most ``MAX_KEY_WORDS``, stop words
  left out). An app contains a word when the catalogue's full-text search finds it under it
  (registry/services/search: Dutch stems, prefixes and the synonyms of its categories); an
  initiative when one of its words starts with it or has its Dutch stem.

Candidates that score at least ``THRESHOLD`` are shown, best first, ``MAX_MATCHES`` of each kind.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import ColumnElement, Text, cast, func, or_, select
from sqlalchemy.orm import Session, selectinload

from registry.models import ApiProvision, App, Initiative
from registry.services.search import SearchIndex
from registry.services.search.words import stem, words

API_WEIGHT, CATEGORY_WEIGHT, TEXT_WEIGHT = 0.4, 0.2, 0.4
THRESHOLD = 0.2
MAX_MATCHES = 5
MAX_KEY_WORDS = 8
#: Initiatives compared in full; the board is far smaller, and the newest matter most.
MAX_CANDIDATES = 2000
MIN_KEY_WORD = 4
#: Frequent words of four letters or more that say nothing about what is built.
STOP_WORDS = frozenset(
    "voor door wordt worden willen hebben zijn naar over onze deze deze welke waar wanneer zodat omdat "
    "maar zich ook niet geen meer alle elke kunnen moeten zoals tussen binnen bijvoorbeeld gemeente "
    "gemeenten inwoners with that this from have will they their which about".split())


@dataclass(frozen=True)
class Draft:
    """What an initiative being created or edited says about itself."""

    title: str
    problem: str
    categories: tuple[str, ...] = ()
    apis: tuple[str, ...] = ()
    exclude: int | None = None  # the initiative being edited


@dataclass(frozen=True)
class Match:
    kind: Literal["initiative", "app"]
    key: str  # the initiative's number or the app's id
    title: str
    score: float
    shared_apis: tuple[str, ...]
    shared_categories: tuple[str, ...]
    text: float  # the share of key words found


def key_words(text: str) -> list[str]:
    """The draft's most telling words: long ones first, each once, stop words left out."""
    distinct = dict.fromkeys(w for w in words(text) if len(w) >= MIN_KEY_WORD and w not in STOP_WORDS
                             and not w.isdigit())
    return sorted(distinct, key=len, reverse=True)[:MAX_KEY_WORDS]


class InitiativeMatches:
    def __init__(self, session: Session) -> None:
        self.session = session

    def find(self, draft: Draft) -> tuple[list[Match], list[Match]]:
        """Matching initiatives and matching apps, best first."""
        keys = key_words(f"{draft.title}\n{draft.problem}")
        return self._initiatives(draft, keys), self._apps(draft, keys)

    def _initiatives(self, draft: Draft, keys: list[str]) -> list[Match]:
        statement = (select(Initiative).where(Initiative.merged_into_id.is_(None))
                     .options(selectinload(Initiative.tags))
                     .order_by(Initiative.updated_at.desc()).limit(MAX_CANDIDATES))
        if draft.exclude is not None:
            statement = statement.where(Initiative.id != draft.exclude)
        matches = []
        for candidate in self.session.scalars(statement):
            found = _contained(keys, f"{candidate.title}\n{candidate.problem}")
            apis = candidate.tagged("provides") + candidate.tagged("uses")
            matches.append(_scored("initiative", str(candidate.id), candidate.title, draft, apis,
                                   candidate.tagged("category"), found / len(keys) if keys else 0.0))
        return _best(matches)

    def _apps(self, draft: Draft, keys: list[str]) -> list[Match]:
        index = SearchIndex(self.session)
        found: dict[int, int] = {}
        for key in keys:
            for app_id in self.session.scalars(select(index.hits([key], ranked=False).c.app_id)):
                found[app_id] = found.get(app_id, 0) + 1
        conditions: list[ColumnElement[bool]] = [App.id.in_(list(found))] if found else []
        if draft.apis:
            conditions.append(App.id.in_(select(ApiProvision.app_id).where(ApiProvision.api.in_(draft.apis))))
        conditions += [func.lower(cast(App.categories, Text)).contains(f'"{c}"', autoescape=True)
                       for c in draft.categories]
        if not conditions:
            return []
        apps = list(self.session.scalars(select(App).where(App.latest_version.is_not(None), or_(*conditions))
                                         .limit(MAX_CANDIDATES)))
        provided = self._provided([app.id for app in apps])
        return _best([_scored("app", app.slug, app.name, draft, provided.get(app.id, []), app.categories or [],
                              found.get(app.id, 0) / len(keys) if keys else 0.0) for app in apps])

    def _provided(self, app_ids: list[int]) -> dict[int, list[str]]:
        provided: dict[int, list[str]] = {}
        if not app_ids:
            return provided
        for app_id, api in self.session.execute(select(ApiProvision.app_id, ApiProvision.api)
                                                .where(ApiProvision.app_id.in_(app_ids)).distinct()):
            provided.setdefault(app_id, []).append(api)
        return provided


def _contained(keys: Sequence[str], text: str) -> int:
    """How many of ``keys`` the text has, as the start of a word or as a word's Dutch stem."""
    have = set(words(text))
    stems = {stem(w) for w in have}
    return sum(1 for key in keys if stem(key) in stems or any(w.startswith(key) for w in have))


def _share(wanted: Iterable[str], present: Iterable[str]) -> tuple[tuple[str, ...], float]:
    wanted = tuple(dict.fromkeys(wanted))
    shared = tuple(w for w in wanted if w in set(present))
    return shared, (len(shared) / len(wanted) if wanted else 0.0)


def _scored(kind: Literal["initiative", "app"], key: str, title: str, draft: Draft, apis: Iterable[str],
            categories: Iterable[str], text: float) -> Match:
    shared_apis, api_share = _share(draft.apis, apis)
    shared_categories, category_share = _share(draft.categories, categories)
    score = API_WEIGHT * api_share + CATEGORY_WEIGHT * category_share + TEXT_WEIGHT * text
    return Match(kind, key, title, round(score, 3), shared_apis, shared_categories, round(text, 3))


def _best(matches: list[Match]) -> list[Match]:
    kept = [m for m in matches if m.score >= THRESHOLD]
    return sorted(kept, key=lambda m: (-m.score, m.title))[:MAX_MATCHES]
