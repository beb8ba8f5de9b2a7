"""Time of looking an organisation up by name (the vendor's entitlement search) with
many organisations in the registry.

Usage (from the repository root)::

    .venv/bin/python bench/organisation_names.py [--organisations 2000] [--searches 200]

The registry knows every municipality (342 in 2025), the cooperations and the
vendors: a few hundred organisations. ``OrganisationNames.search`` reads their
names and folds case and accents in Python rather than keeping a folded column.
This script fills a SQLite database in a temporary folder with ``--organisations``
organisations with Dutch-looking names (some with accents), then times
``--searches`` searches of one and of two words and prints p50, p95 and max.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from registry.app import create_app  # noqa: E402
from registry.db import database  # noqa: E402
from registry.models import Base, Organisation  # noqa: E402
from registry.services.organisation_names import OrganisationNames  # noqa: E402

PARTS = ["Noord", "Zuid", "Oost", "West", "Groot", "Klein", "Nieuw", "Oud", "Sint", "Ter"]
PLACES = ["dam", "dijk", "broek", "veen", "hoven", "wijk", "berg", "zee", "kerk", "meer", "horst", "ën"]
KINDS = {"municipality": "Gemeente", "cooperation": "Coöperatie", "vendor": "Software B.V."}
SEARCHES = {"one word": "veen", "two words": "gemeente noordwijk", "accents folded": "cooperatie"}


def fill(app, count: int) -> None:  # type: ignore[no-untyped-def]
    rows = []
    for i in range(count):
        kind = list(KINDS)[i % len(KINDS)]
        place = f"{PARTS[i % len(PARTS)]}{PLACES[(i // len(PARTS)) % len(PLACES)]} {i}"
        name = f"{KINDS[kind]} {place}" if kind != "vendor" else f"{place} {KINDS[kind]}"
        rows.append({"slug": f"org-{i}", "name": name, "kind": kind})
    with database(app).session() as session:
        session.execute(insert(Organisation), rows)
        session.commit()


def measure(app, searches: int) -> dict[str, list[float]]:  # type: ignore[no-untyped-def]
    timings: dict[str, list[float]] = {}
    with database(app).session() as session:
        names = OrganisationNames(session)
        for label, text in SEARCHES.items():
            samples = []
            for _ in range(searches):
                started = time.perf_counter()
                names.search(text)
                samples.append((time.perf_counter() - started) * 1000)
                session.expunge_all()  # every search reads the names again, as each request does
            timings[label] = samples
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=2000)
    parser.add_argument("--searches", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="appstore-bench-names-") as folder:
        app = create_app({"DATA_DIR": folder, "SECRET_KEY": "bench", "LOAD_INSTALLED_PLUGINS": False})
        Base.metadata.create_all(database(app).engine)
        fill(app, args.organisations)
        timings = measure(app, args.searches)
        database(app).dispose()
    print(f"{args.organisations} organisations, {args.searches} searches each")
    print(f"{'search':<16} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for label, samples in timings.items():
        p95 = statistics.quantiles(samples, n=20)[18]
        print(f"{label:<16} {statistics.median(samples):8.1f} {p95:8.1f} {max(samples):8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
