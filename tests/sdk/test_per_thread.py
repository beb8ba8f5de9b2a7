"""One object per thread: the same one on every call in a thread, another in each other thread."""

from __future__ import annotations

from sdk.per_thread import per_thread
from tests.threads import at_once


def test_each_thread_has_its_own_object_made_once() -> None:
    made: list[object] = []
    mine = per_thread(lambda: made.append(object()) or made[-1])
    first = mine()
    assert mine() is first and made == [first]
    others = at_once(lambda: (mine(), mine()), threads=4)
    assert all(isinstance(pair, tuple) and pair[0] is pair[1] and pair[0] is not first for pair in others)
    assert len({id(pair[0]) for pair in others if isinstance(pair, tuple)}) == 4 and len(made) == 5
