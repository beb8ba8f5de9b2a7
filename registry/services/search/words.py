"""Words of a text for the search index and for a query, and their Dutch stems.

SQLite's FTS5 only stems English, so words are stemmed here with the Snowball
Dutch stemmer, both when an app is indexed and when a query is read.
PostgreSQL stems with its own ``dutch`` configuration (the same algorithm).
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

from sdk.per_thread import per_thread

#: Letters and digits in a row: one character class, so matching is linear.
_WORD = re.compile(r"[^\W_]+")
#: Longer words are cut: no Dutch word a person searches for is longer.
MAX_WORD_LENGTH = 40
MAX_QUERY_LENGTH = 200
MAX_TERMS = 8


def words(text: str) -> list[str]:
    """The words of ``text``, lower case, in order."""
    return [w[:MAX_WORD_LENGTH] for w in _WORD.findall(text.casefold())]


def query_terms(q: str) -> list[str]:
    """The words a search looks for: at most ``MAX_TERMS``, each once."""
    return list(dict.fromkeys(words(q[:MAX_QUERY_LENGTH])))[:MAX_TERMS]


#: This thread's Dutch stemmer: a stemmer keeps the word it works on in itself, so two
#: threads stemming with one mix up their words (and fail with an IndexError).
_stemmer = per_thread(lambda: snowballstemmer.stemmer("dutch"))


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The Dutch stem of a lower-case word: "zaken" and "zaak" share "zaak".
    Cached: the words of a catalogue repeat, and the stemmer is pure Python."""
    return str(_stemmer().stemWord(word))


def with_stems(text: str) -> str:
    """``text`` as words followed by their stems where these differ: what FTS5 indexes."""
    return " ".join(w if w == s else f"{w} {s}" for w, s in ((w, stem(w)) for w in words(text)))
