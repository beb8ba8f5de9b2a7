"""Cyclic garbage collection at safe points, for Python 3.11.

Python 3.11 runs the cyclic collector inside whichever allocation crosses its threshold,
even halfway through resizing a dict. The finalizers it calls there may release the GIL
(SQLAlchemy handing a lost connection back to its pool, sqlite3 rolling it back), and
another thread then changes the very object being resized: a worker that serves pages
with several threads dies of a segmentation fault now and then. Python 3.12 runs the
collector only between bytecodes, where other threads may safely run.

On 3.11 a serving process therefore turns automatic collection off and lets one thread of
its own collect, at the thresholds the interpreter would use, always from Python code.
"""

from __future__ import annotations

import gc
import sys
import threading
import time

#: How often the collecting thread looks at the allocation counts. Garbage waits at most
#: this long; the interpreter itself would have looked on every allocation.
INTERVAL_SECONDS = 0.05
#: Whole-heap collections at most this often: the interpreter holds them back until a
#: quarter of the heap is new, a rule it does not expose.
FULL_COLLECTION_SECONDS = 10.0

_lock = threading.Lock()
_thread: threading.Thread | None = None


def needed() -> bool:
    """Whether this interpreter collects inside allocations (3.11 and older)."""
    return sys.version_info < (3, 12)


def start() -> bool:
    """Collect at safe points from now on in this process, when this Python needs it.

    Call it in each serving process once the app is loaded (after a fork: threads do not
    survive one). Returns whether it took over collection."""
    global _thread
    if not needed():
        return False
    with _lock:
        if _thread is None or not _thread.is_alive():
            # What is loaded now lives as long as the process: out of every later pass.
            gc.freeze()
            gc.disable()
            _thread = threading.Thread(target=_collect_forever, name="safe-point-collector", daemon=True)
            _thread.start()
    return True


def collect_due(*, full_allowed: bool = True) -> int | None:
    """Collect the oldest generation whose threshold is crossed, as the interpreter would
    after an allocation; the generation collected, or None when none was due."""
    thresholds, counts = gc.get_threshold(), gc.get_count()
    due = [g for g in range(3 if full_allowed else 2) if thresholds[g] and counts[g] >= thresholds[g]]
    if not due:
        return None
    generation = max(due)
    gc.collect(generation)
    return generation


def _collect_forever() -> None:
    last_full = time.monotonic()
    while True:
        time.sleep(INTERVAL_SECONDS)
        now = time.monotonic()
        if collect_due(full_allowed=now - last_full >= FULL_COLLECTION_SECONDS) == 2:
            last_full = now
