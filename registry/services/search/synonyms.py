"""The words an app is also found under: its categories' and its terms' synonyms.

From ``registry/data/search_terms.yaml``, a reviewed list of the words Dutch
municipalities search with ("zaaksysteem", "zaakgericht werken" for case
management). Synonyms are added when an app is indexed, so a query needs no
rewriting and both databases find the same apps.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from importlib.resources import files

import yaml

from registry.services.search.words import words


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    data = yaml.safe_load(files("registry").joinpath("data/search_terms.yaml").read_text(encoding="utf-8"))
    categories = {str(k): tuple(str(v) for v in values) for k, values in (data.get("categories") or {}).items()}
    terms = {str(k): tuple(str(v) for v in values) for k, values in (data.get("terms") or {}).items()}
    return categories, terms


def expansions(categories: Iterable[str], text_words: Iterable[str]) -> list[str]:
    """The extra words of an app in ``categories`` whose text has ``text_words``."""
    by_category, by_term = _table()
    found: dict[str, None] = {}
    for category in categories:
        key = category.casefold()
        found.update(dict.fromkeys((key.replace("-", " "), *by_category.get(key, ()))))
    for word in dict.fromkeys(text_words):
        found.update(dict.fromkeys(by_term.get(word, ())))
    return list(found)


def vocabulary() -> set[str]:
    """Every word of the synonym list, for suggestions."""
    by_category, by_term = _table()
    phrases = [*by_category, *by_term]
    phrases += [p for values in (*by_category.values(), *by_term.values()) for p in values]
    return {w for phrase in phrases for w in words(phrase)}
