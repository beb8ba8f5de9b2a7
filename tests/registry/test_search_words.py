"""The words and Dutch stems of the search index, as concurrent publishes make them."""

from __future__ import annotations

import threading

from registry.services.search import words
from registry.services.search.words import with_stems

# Words whose stems differ in length from the word: a stemmer shared by two threads
# indexes one thread's word with the other's offsets.
WORDS = ["zaken", "vergunningen", "meldingen", "afspraken", "betalingen", "verhuizingen",
         "aanvragen", "gemeentelijke", "voorzieningen", "parkeerplaatsen", "omgevingswet", "uitkeringen"]


def test_stems_are_the_same_from_many_threads_at_once() -> None:
    stem_once = words.stem.__wrapped__  # past the cache: every call stems
    expected = {w: stem_once(w) for w in WORDS}
    assert expected["zaken"] == "zaak" and expected["vergunningen"] == "vergun"
    wrong: list[tuple[str, str]] = []
    failures: list[BaseException] = []
    start = threading.Barrier(8)

    def stem_many() -> None:
        start.wait()
        try:
            for _ in range(300):
                for word in WORDS:
                    if (got := stem_once(word)) != expected[word]:
                        wrong.append((word, got))
        except BaseException as failure:  # noqa: BLE001  (reported below)
            failures.append(failure)

    threads = [threading.Thread(target=stem_many) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures and not wrong, (failures[:3], wrong[:5])


def test_indexed_text_has_words_then_their_stems() -> None:
    assert with_stems("Zaken en Vergunningen") == "zaken zaak en vergunningen vergun"
