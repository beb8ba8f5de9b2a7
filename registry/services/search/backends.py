"""The two full-text engines behind one interface: SQLite FTS5 and PostgreSQL.

Each turns query terms into a subquery of ``(app_id, rank)`` for the apps that
have every term (as a word, a prefix of one, or the same Dutch stem), lower
rank first, with matches in the name weighing most; and each stores an app's
words in its own index.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Subquery,
    any_,
    delete,
    func,
    insert,
    literal,
    literal_column,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from registry.models import App, AppSearchEntry
from registry.services.search.documents import SearchDocument
from registry.services.search.words import stem, with_stems

#: How much more a word in the name counts than one elsewhere.
NAME_WEIGHT = 10.0


class SearchBackend(Protocol):
    def hits(self, terms: list[str], ranked: bool = True) -> Subquery:
        """The apps that have every one of ``terms``: columns ``app_id`` and ``rank`` (0 unless
        ``ranked``: counting the facets needs no ranks, and ranking every match costs)."""

    def indexed(self, entry: SearchDocument) -> tuple[str, str] | None:
        """The name and body as this index keeps them, if it keeps them otherwise than written."""

    def store(self, bind: Session | Connection, entries: list[SearchDocument], *, replace: bool = True) -> None:
        """Index ``entries`` (their ``app_search`` rows are written already); ``replace``
        what the index held for them."""

    def among(self, ids: list[int]) -> ColumnElement[bool]:
        """Apps whose id is one of ``ids``, as one bound value however many there are."""


class SqliteSearch:
    """FTS5 over the words and their Dutch stems; bm25 ranks."""

    _table: ColumnElement[Any] = literal_column("app_search_fts")

    def hits(self, terms: list[str], ranked: bool = True) -> Subquery:
        rank = func.bm25(self._table, NAME_WEIGHT, 1.0) if ranked else literal(0.0)
        return (select(literal_column("app_search_fts.rowid").label("app_id"), rank.label("rank"))
                .select_from(text("app_search_fts"))
                .where(self._table.op("MATCH")(fts_query(terms))).subquery("hits"))

    def indexed(self, entry: SearchDocument) -> tuple[str, str] | None:
        return with_stems(entry.name_text), with_stems(entry.body_text)

    def store(self, bind: Session | Connection, entries: list[SearchDocument], *, replace: bool = True) -> None:
        if replace:
            bind.execute(text("DELETE FROM app_search_fts WHERE rowid = :id"), [{"id": e.app_id} for e in entries])
        rows = []
        for entry in entries:
            name, body = entry.indexed or self.indexed(entry)  # type: ignore[misc]  # never None here
            rows.append({"id": entry.app_id, "name": name, "body": body})
        bind.execute(text("INSERT INTO app_search_fts (rowid, name, body) VALUES (:id, :name, :body)"), rows)


    def among(self, ids: list[int]) -> ColumnElement[bool]:
        return App.id.in_(select(literal_column("value")).select_from(func.json_each(json.dumps(ids))))


def fts_query(terms: list[str]) -> str:
    """An FTS5 query: each term as a prefix of a word or of a stem, all required.

    Terms are runs of letters and digits (``words``), so quoting them is enough.
    """
    parts = []
    for term in terms:
        stemmed = stem(term)
        options = [f'"{term}"*'] + ([f'"{stemmed}"*'] if stemmed != term else [])
        parts.append(f"({' OR '.join(options)})")
    return " AND ".join(parts)


class PostgresSearch:
    """The generated ``document`` column: Dutch stems and plain words, ts_rank ranks."""

    _document: ColumnElement[Any] = literal_column("app_search.document")
    # ts_rank's weights for D, C, B, A: the name (A) counts NAME_WEIGHT times the rest (B).
    _weights: ColumnElement[Any] = literal_column(f"'{{0.1, 0.1, 0.1, {NAME_WEIGHT / 10}}}'::float4[]")

    def hits(self, terms: list[str], ranked: bool = True) -> Subquery:
        query = None
        for term in terms:
            either = (func.to_tsquery(literal_column("'dutch'::regconfig"), f"{term}:*")
                      .op("||")(func.to_tsquery(literal_column("'simple'::regconfig"), f"{term}:*")))
            query = either if query is None else query.op("&&")(either)
        rank = -func.ts_rank(self._weights, self._document, query) if ranked else literal(0.0)
        return (select(AppSearchEntry.app_id.label("app_id"), rank.label("rank"))
                .where(self._document.op("@@")(query)).subquery("hits"))

    def indexed(self, entry: SearchDocument) -> tuple[str, str] | None:
        return None  # PostgreSQL computes ``document`` from the row

    def store(self, bind: Session | Connection, entries: list[SearchDocument], *, replace: bool = True) -> None:
        """Nothing to do: PostgreSQL computes ``document`` from the row."""

    def among(self, ids: list[int]) -> ColumnElement[bool]:
        return App.id == any_(literal(ids, type_=ARRAY(Integer)))


def backend_for(dialect: str) -> SearchBackend:
    """The engine of a database, by its SQLAlchemy dialect name."""
    return PostgresSearch() if dialect == "postgresql" else SqliteSearch()


def write_entries(bind: Session | Connection, dialect: str, entries: list[SearchDocument], *,
                  replace: bool = True) -> None:
    """Replace apps' rows in ``app_search`` and their index, in the caller's transaction
    (without ``replace``: write them for apps that have none yet)."""
    if not entries:
        return
    if replace:
        bind.execute(delete(AppSearchEntry).where(AppSearchEntry.app_id.in_([e.app_id for e in entries])))
    bind.execute(insert(AppSearchEntry), [{"app_id": e.app_id, "name_text": e.name_text,
                                           "body_text": e.body_text} for e in entries])
    backend_for(dialect).store(bind, entries, replace=replace)
