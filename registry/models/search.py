"""The search index: the words each app is found under, and each database's own index of them.

``app_search`` holds an app's words as plain text (its name, and everything
else with the synonyms of its categories and terms), written in the same
transaction as the app. Each database indexes them its own way, with objects
the models cannot describe, so they are created here beside the table and
left out of ``alembic check`` (registry/migrations/env.py):

- SQLite: an FTS5 table ``app_search_fts`` (rowid = app id) of the words and
  their Dutch stems, written by the service (FTS5 stems only in English).
- PostgreSQL: a generated ``tsvector`` column ``document`` with a GIN index,
  from the Dutch text search configuration plus the unstemmed words (for
  prefixes of compounds: "zaak" finds "zaakgericht").
"""

from __future__ import annotations

from sqlalchemy import DDL, ForeignKey, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from registry.models.core import Base

__all__ = ["AppSearchEntry", "SEARCH_DDL", "SEARCH_DROP_DDL", "INDEX_OBJECTS"]


class AppSearchEntry(Base):
    """The words an app is found under, in the catalogue's search."""

    __tablename__ = "app_search"

    app_id: Mapped[int] = mapped_column(ForeignKey("app.id", ondelete="CASCADE"), primary_key=True)
    name_text: Mapped[str] = mapped_column(Text, default="")
    body_text: Mapped[str] = mapped_column(Text, default="")


#: Per dialect: the statements that create its index of ``app_search``.
SEARCH_DDL: dict[str, tuple[str, ...]] = {
    "sqlite": (
        # Prefixes of 2 to 6 letters ("zaak*") are read from their own index instead of
        # merging every word that starts with them: a third less time for a common prefix.
        "CREATE VIRTUAL TABLE app_search_fts USING fts5(name, body, "
        "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4 5 6')",
    ),
    "postgresql": (
        "ALTER TABLE app_search ADD COLUMN document tsvector GENERATED ALWAYS AS ("
        "setweight(to_tsvector('dutch', name_text), 'A') || setweight(to_tsvector('simple', name_text), 'A') || "
        "setweight(to_tsvector('dutch', body_text), 'B') || setweight(to_tsvector('simple', body_text), 'B')"
        ") STORED",
        "CREATE INDEX ix_app_search_document ON app_search USING gin (document)",
    ),
}
#: Per dialect: what must go before ``app_search`` itself is dropped.
SEARCH_DROP_DDL: dict[str, tuple[str, ...]] = {"sqlite": ("DROP TABLE IF EXISTS app_search_fts",)}
#: Names of the objects above, which ``alembic check`` must not take for strays.
INDEX_OBJECTS = frozenset({"app_search_fts", "document", "ix_app_search_document"})

for _dialect, _statements in SEARCH_DDL.items():
    for _statement in _statements:
        event.listen(AppSearchEntry.__table__, "after_create", DDL(_statement).execute_if(dialect=_dialect))
for _dialect, _statements in SEARCH_DROP_DDL.items():
    for _statement in _statements:
        event.listen(AppSearchEntry.__table__, "before_drop", DDL(_statement).execute_if(dialect=_dialect))
