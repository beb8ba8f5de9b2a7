"""One object per thread, for objects that keep state while they work.

The registry serves requests in several threads of a process. A stemmer or a parser
that holds the text it works on, or builds its rules on first use, gives wrong answers
or fails when two threads use it at once; each thread gets its own instead.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def per_thread(make: Callable[[], T]) -> Callable[[], T]:
    """A function that returns the calling thread's own ``make()``, made on its first call."""
    local = threading.local()

    def mine() -> T:
        try:
            made: T = local.made
        except AttributeError:
            made = local.made = make()
        return made

    return mine
