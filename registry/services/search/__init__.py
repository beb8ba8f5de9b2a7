"""Full-text search of the catalogue: one interface, SQLite FTS5 or PostgreSQL by dialect.

An app's entry is rewritten whenever the catalogue's view of it changes
(``refresh``, called in the transaction that publishes or yanks), so search
and catalogue never disagree after a commit.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import ColumnElement, Connection, Subquery, false, literal, select
from sqlalchemy.orm import Session

from registry.models import App, AppSearchEntry
from registry.services.search.backends import backend_for, write_entries
from registry.services.search.documents import SearchDocument, document
from registry.services.search.suggestions import known_words, suggestion
from registry.services.search.words import MAX_QUERY_LENGTH, MAX_TERMS, query_terms

__all__ = ["MAX_QUERY_LENGTH", "MAX_TERMS", "SearchIndex", "query_terms", "rebuild"]


class SearchIndex:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.dialect = session.get_bind().dialect.name

    def refresh(self, app: App) -> None:
        """Rewrite ``app``'s entry from its current name, text and categories (flushed, so it has an id)."""
        self.write(self.prepare(app), app.id, new=False)

    def prepare(self, app: App) -> SearchDocument:
        """``app``'s entry from its current name, text and categories, worked out before the
        transaction writes (on SQLite, while it does not hold the database's write lock yet)."""
        entry = document(0, app.slug, app.name, f"{app.summary}\n{app.search_text}", app.categories or ())
        return replace(entry, indexed=backend_for(self.dialect).indexed(entry))

    def write(self, entry: SearchDocument, app_id: int, *, new: bool) -> None:
        """Write ``entry`` (from ``prepare``) as the entry of app ``app_id``; ``new``: the app
        was made in this transaction, so it has no entry to replace."""
        # Core statements on the session's connection: the index is no ORM state to keep in step.
        write_entries(self.session.connection(), self.dialect, [replace(entry, app_id=app_id)], replace=not new)

    def hits(self, terms: list[str], ranked: bool = True) -> Subquery:
        """The apps with every term: ``app_id`` and ``rank`` (lower first; 0 unless ``ranked``);
        none without a term (a search for punctuation only finds nothing)."""
        if not terms:
            return select(AppSearchEntry.app_id, literal(0.0).label("rank")).where(false()).subquery("hits")
        return backend_for(self.dialect).hits(terms, ranked)

    def matching(self, terms: list[str]) -> ColumnElement[bool]:
        """A condition on apps: the search finds them. The match is run once, here, and its
        ids passed on, so that the page's counting queries do not each search again."""
        if not terms:
            return false()
        ids = list(self.session.scalars(select(self.hits(terms, ranked=False).c.app_id)))
        return backend_for(self.dialect).among(ids)

    def suggest(self, terms: list[str]) -> str | None:
        """A query close to ``terms`` made of words that are in the index, for a search that found nothing."""
        return suggestion(terms, known_words(self.session)) if terms else None


def rebuild(connection: Connection, batch: int = 500) -> int:
    """Index every app again (migrations, or after apps were written around the service)."""
    rows = connection.execute(select(App.id, App.slug, App.name, App.summary, App.search_text, App.categories)
                              .order_by(App.id)).all()
    entries = [document(app_id, slug, name, f"{summary}\n{text}", categories or ())
               for app_id, slug, name, summary, text, categories in rows]
    for start in range(0, len(entries), batch):
        write_entries(connection, connection.dialect.name, entries[start:start + batch])
    return len(entries)
