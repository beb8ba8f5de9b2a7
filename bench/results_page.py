"""Server-side time of the web store's results page (with facet counts) on 10,000 apps.

Usage (from the repository root)::

    .venv/bin/python bench/results_page.py [--apps 10000] [--requests 200] [--database-url URL]

(or ``make bench-web``). What it does:

1. Makes a database in a temporary folder (SQLite unless ``--database-url``
   names an empty PostgreSQL database) from the models, and fills it with bulk
   inserts: ``--apps`` apps from 60 publishers of every kind, each with one
   release, its artifact row and a verdict per platform profile (3 profiles).
   Layers, categories, licences and verdicts are spread so that every facet
   has several values. Then the search index is built from them (the words
   and synonyms that publishing would index).
2. Asks for the results page through Flask's test client, in this process, so
   the figures are the server's own time (routing, queries, facet counts,
   templates) without the network: the first ``--warmup`` requests of each
   kind are not counted, then ``--requests`` are timed.
3. Prints p50, p95 and max per kind of page, and whether p95 is under the
   target (100 ms); exits 1 when a p95 is over it.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from registry.app import create_app  # noqa: E402
from registry.db import database  # noqa: E402
from registry.models import (  # noqa: E402
    App,
    AppCategory,
    Artifact,
    Base,
    CompatibilityRecord,
    Organisation,
    PlatformProfileRecord,
    Release,
)
from registry.services.catalogue import runs_on_column  # noqa: E402
from registry.services.search import rebuild  # noqa: E402

TARGET_MS = 100.0
LAYERS = ["interaction", "process", "integration", "service", "data"]
CATEGORIES = ["case-management", "forms", "document-management", "workflow-management", "payments",
              "identity", "geo", "data-analytics", "communications", "archiving", "hr", "finance"]
KINDS = ["municipality", "cooperation", "vendor"]
WORDS = ["zaak", "melding", "vergunning", "afval", "parkeren", "subsidie", "burgerzaken", "belasting",
         "loket", "notificatie", "archief", "kaart", "document", "afspraak", "betaling", "klant"]
PAGES = {
    "all apps": "/apps",
    "search one word": "/apps?q=zaak",
    "search two words": "/apps?q=melding+kaart",
    "layer + licence": "/apps?layer=process&license=open",
    "kind + category": "/apps?kind=vendor&category=forms",
    "profile": "/apps?profile=profile-1",
    "everything": "/apps?q=zaak&layer=service&license=open&kind=municipality&profile=profile-0",
    "page 40": "/apps?page=40",
    "search synonym": "/apps?q=zaaksysteem",
    "search + name sort": "/apps?q=zaak&sort=name",
    "sort by release": "/apps?sort=released",
    "sort by adoption": "/apps?sort=adoption",
    "typo, suggestion": "/apps?q=vergunnig+kaart",
}


def fill(app, count: int, seed: int = 7) -> None:  # type: ignore[no-untyped-def]
    """Bulk-insert ``count`` apps with a release and verdicts each (after any rows the
    database holds already, such as the profiles ``appstore-registry init`` adds)."""
    rng = random.Random(seed)
    engine = database(app).engine
    Base.metadata.create_all(engine)
    with engine.begin() as connection:
        org, profile = (connection.scalar(select(func.coalesce(func.max(t.id), 0)))
                        for t in (Organisation, PlatformProfileRecord))
        connection.execute(insert(Organisation), [
            {"id": org + i + 1, "slug": f"org-{i}", "name": f"Organisatie {i}", "kind": KINDS[i % 3]}
            for i in range(60)])
        connection.execute(insert(PlatformProfileRecord), [
            {"id": profile + i + 1, "slug": f"profile-{i}", "name": f"Profiel {i}", "source": "", "revision": 1,
             "status": "active"} for i in range(3)])
        apps, artifacts, releases, verdicts, categories_of = [], [], [], [], []
        for i in range(count):
            words = " ".join(rng.sample(WORDS, 3))
            categories = rng.sample(CATEGORIES, rng.randint(1, 3))
            sha = f"{i:064x}"
            licence = ("LicenseRef-Proprietary", "commercial") if rng.random() < 0.2 else ("EUPL-1.2", "open")
            apps.append({"id": i + 1, "slug": f"app-{i}", "organisation_id": org + rng.randint(1, 60),
                         "name": f"App {i} {words.split()[0]}", "summary": f"Een app voor {words}",
                         "layer": (layer := rng.choice(LAYERS)), "layers": f",{layer},", "categories": categories,
                         "license": licence[0], "license_kind": licence[1],
                         "latest_version": "1.0.0", "search_text": f"app-{i} {words} {' '.join(categories)}"})
            categories_of += [{"app_id": i + 1, "category": c} for c in categories]  # as publishing keeps them
            artifacts.append({"sha256": sha, "size": 2048, "filename": f"app-{i}-1.0.0.tar.gz"})
            releases.append({"id": i + 1, "app_id": i + 1, "version": "1.0.0", "status": "published",
                             "manifest": {}, "license": licence[0], "license_kind": licence[1],
                             "artifact_sha256": sha, "published_by": org + 1})
            verdicts += [{"release_id": i + 1, "profile_id": profile + p + 1, "compatible": rng.random() < 0.7,
                          "profile_revision": 1} for p in range(3)]
            # As publishing keeps it: the profiles the offered release runs on, on the app row.
            apps[-1]["runs_on"] = runs_on_column(f"profile-{p}" for p, v in enumerate(verdicts[-3:]) if v["compatible"])
        connection.execute(insert(Artifact), artifacts)
        connection.execute(insert(App), apps)
        connection.execute(insert(AppCategory), categories_of)
        connection.execute(insert(Release), releases)
        connection.execute(insert(CompatibilityRecord), verdicts)
        rebuild(connection)  # the search index, as publishing writes it


def measure(app, warmup: int, requests: int, only: list[str]) -> dict[str, list[float]]:  # type: ignore[no-untyped-def]
    client = app.test_client()
    timings: dict[str, list[float]] = {}
    for name, path in PAGES.items():
        if only and name not in only:
            continue
        for _ in range(warmup):
            assert client.get(path).status_code == 200, path
        samples = []
        for _ in range(requests):
            start = time.perf_counter()
            response = client.get(path)
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, path
        timings[name] = samples
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--page", action="append", default=[], choices=list(PAGES),
                        help="time only this page (repeat for several)")
    parser.add_argument("--no-cache", action="store_true",
                        help="every request counts its facets (no outlines kept by the worker)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="appstore-bench-web-") as folder:
        settings = {"DATA_DIR": folder, "DATABASE_URL": args.database_url, "SECRET_KEY": "bench",
                    "LOAD_INSTALLED_PLUGINS": False}
        app = create_app(settings | ({"CATALOGUE_CACHE_BYTES": 0} if args.no_cache else {}))
        started = time.perf_counter()
        fill(app, args.apps)
        print(f"filled {args.apps} apps in {time.perf_counter() - started:.1f}s "
              f"({database(app).engine.dialect.name})")
        timings = measure(app, args.warmup, args.requests, args.page)
        database(app).dispose()
    worst = 0.0
    print(f"{'page':<20} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, samples in timings.items():
        p95 = statistics.quantiles(samples, n=20)[18]
        worst = max(worst, p95)
        print(f"{name:<20} {statistics.median(samples):8.1f} {p95:8.1f} {max(samples):8.1f}")
    verdict = "under" if worst < TARGET_MS else "OVER"
    print(f"worst p95 {worst:.1f} ms: {verdict} the target of {TARGET_MS:.0f} ms")
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
