""""Did you mean ...?" for a search that found nothing: close words from the index."""

from __future__ import annotations

import difflib

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import App, AppSearchEntry
from registry.services.search.synonyms import vocabulary
from registry.services.search.words import words

#: How alike a word must be (difflib's ratio) to be offered instead of a typo.
CUTOFF = 0.75


def known_words(session: Session) -> set[str]:
    """The words people can find apps under: names of apps on offer, and the synonyms."""
    names = session.scalars(select(AppSearchEntry.name_text).join(App, App.id == AppSearchEntry.app_id)
                            .where(App.latest_version.is_not(None)))
    return {w for name in names for w in words(name) if len(w) > 1} | vocabulary()


def suggestion(terms: list[str], known: set[str]) -> str | None:
    """``terms`` with each unknown word replaced by the closest known one; None when nothing changes."""
    ordered = sorted(known)
    chosen = []
    for term in terms:
        if term in known or any(w.startswith(term) for w in ordered if w[:1] == term[:1]):
            chosen.append(term)
            continue
        close = difflib.get_close_matches(term, ordered, n=1, cutoff=CUTOFF)
        chosen.append(close[0] if close else term)
    return " ".join(chosen) if chosen != terms else None
