"""Finding organisations by their name as a person types it: any case, with or without
accents, in any order of words, so that "samen cooperatie" finds "Coöperatie Samen Digitaal"."""

from __future__ import annotations

import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import Organisation

MAX_QUERY = 100
MAX_WORDS = 8
MAX_MATCHES = 20


def folded(text: str) -> str:
    """``text`` without case and accents (NFKD, combining marks dropped)."""
    if text.isascii():  # most names: nothing to decompose
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def query_words(text: str) -> list[str]:
    """The words to look for; outsized input is cut, never searched whole."""
    return folded(text[:MAX_QUERY]).split()[:MAX_WORDS]


class OrganisationNames:
    def __init__(self, session: Session) -> None:
        self.session = session

    def search(self, text: str, limit: int = MAX_MATCHES) -> list[Organisation]:
        """Organisations whose name or id holds every word of ``text``; names that begin with
        the first word come first. Empty text finds nothing.

        The registry knows a few hundred organisations (every municipality, the
        cooperations and vendors), so their names are folded here rather than kept
        folded in a column of their own: the database's own case folding knows no accents.
        """
        words = query_words(text)
        if not words:
            return []
        matches = []  # only ids, names and slugs are read for all; whole rows only for the matches
        for id_, name, slug in self.session.execute(
                select(Organisation.id, Organisation.name, Organisation.slug).order_by(Organisation.name)):
            name = folded(name)
            if all(word in name or word in slug for word in words):
                matches.append((not name.startswith(words[0]), id_))
        matches.sort(key=lambda match: match[0])  # stable: by name within each group
        chosen = [id_ for _, id_ in matches[:limit]]
        found = {o.id: o for o in self.session.scalars(select(Organisation).where(Organisation.id.in_(chosen)))}
        return [found[id_] for id_ in chosen]
