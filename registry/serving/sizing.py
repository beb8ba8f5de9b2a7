"""How many workers and threads ``serve`` runs unless told."""

from __future__ import annotations

import os

#: Threads per worker that run the app. With one worker per processor and one more, while a
#: worker's requests all wait (on the client, the disk or another worker's write) another
#: worker uses the processor; a worker of more threads only shares its interpreter lock
#: more. Measured on 2 processors (bench/README.md): 3 x 3 published about a tenth more than
#: 2 x 4 and read about as fast; 4 x 2 published about as much as 3 x 3 but read up to a
#: tenth less than 2 x 4 (each process switch costs the processors' caches).
DEFAULT_THREADS = 3


def default_workers() -> int:
    """One worker per processor this process may run on, and one more."""
    try:
        processors = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        processors = os.cpu_count() or 1
    return processors + 1
