"""The words and Dutch stems of the search index, as concurrent publishes make them."""

from __future__ import annotations

from registry.services.search import words
from registry.services.search.words import with_stems
from tests import threads

# Words whose stems differ in length from the word: a stemmer shared by two threads
# indexes one thread's word with the other's offsets.
WORDS = ["zaken", "vergunningen", "meldingen", "afspraken", "betalingen", "verhuizingen",
         "aanvragen", "gemeentelijke", "voorzieningen", "parkeerplaatsen", "omgevingswet", "uitkeringen"]


def test_stems_are_the_same_from_many_threads_at_once() -> None:
    stem_once = words.stem.__wrapped__  # past the cache: every call stems
    expected = {w: stem_once(w) for w in WORDS}
    assert expected["zaken"] == "zaak" and expected["vergunningen"] == "vergun"

    def stem_many() -> list[tuple[str, str]]:
        return [(word, got) for _ in range(300) for word in WORDS if (got := stem_once(word)) != expected[word]]

    results = threads.at_once(stem_many, 8)
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert results == [[]] * 8, [r[:5] for r in results if isinstance(r, list)]


def test_indexed_text_has_words_then_their_stems() -> None:
    assert with_stems("Zaken en Vergunningen") == "zaken zaak en vergunningen vergun"
