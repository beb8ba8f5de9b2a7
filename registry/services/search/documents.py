"""What an app is found under: the text of its entry in the search index."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from registry.services.search.synonyms import expansions
from registry.services.search.words import words

#: An app's text past this many characters adds little to finding it.
MAX_BODY_LENGTH = 20_000


@dataclass(frozen=True)
class SearchDocument:
    """An app's words: its name (ranked higher) and everything else."""

    app_id: int
    name_text: str
    body_text: str
    #: The name and body as the index keeps them, when worked out before the write
    #: (``SearchIndex.prepare``); the index works them out itself otherwise.
    indexed: tuple[str, str] | None = None


def document(app_id: int, slug: str, name: str, text: str, categories: Iterable[str]) -> SearchDocument:
    """The entry of an app from its id, name, text (summary, descriptions) and categories."""
    name_text = f"{name} {slug.replace('-', ' ')}"
    body = text[:MAX_BODY_LENGTH]
    extra = expansions(categories, words(f"{name_text} {body}"))
    return SearchDocument(app_id, name_text, "\n".join([body, *extra]))
