"""Benchmark of password hashing: what one hash and one check cost per profile.

``PASSWORD_HASH_PROFILE`` chooses argon2's costs (registry.services.passwords).
A real registry keeps the default, RFC 9106's low-memory profile; the tests use
``cheapest-for-tests``. This prints, per profile, the median time of hashing and
of checking a password (``--repeat`` times each), which says what a test that
creates or signs in a person saves.

Run from the repository root: ``.venv/bin/python bench/password_hashing.py``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from registry.services.passwords import PROFILES, passwords_for  # noqa: E402

PASSWORD = "a password of a benchmark"


def median_ms(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10, help="hashes and checks per profile (default 10)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    print(f"{'profile':<22} {'hash ms':>10} {'check ms':>10}")
    for name in PROFILES:
        passwords = passwords_for(name)
        kept = passwords.hash(PASSWORD)
        hashing = median_ms(partial(passwords.hash, PASSWORD), args.repeat)
        checking = median_ms(partial(passwords.verify, kept, PASSWORD), args.repeat)
        print(f"{name:<22} {hashing:>10.3f} {checking:>10.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
