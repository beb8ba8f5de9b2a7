"""Throughput of a registry under gunicorn: publishing, then reading the catalogue.

Usage (from the repository root)::

    .venv/bin/python bench/registry_throughput.py --packages 200 --clients 8

What it does, all on 127.0.0.1 and in a temporary data dir that is removed
afterwards (SQLite and file storage, the embedded defaults):

1. ``appstore-registry init``, ``org create``, ``token create``, then
   ``appstore-registry serve --workers N`` (gunicorn) on a free port.
2. Publishes ``--packages`` packages, each a distinct app: the first
   ``--sequential`` one at a time, the rest from ``--clients`` concurrent clients.
   Every publish must answer 201; the bench stops otherwise.
3. Reads with ``--clients`` concurrent clients for ``--duration`` seconds (and at
   most ``--max-requests`` requests): catalogue pages (``/api/v1/apps?page=..``),
   searches (``/api/v1/apps?q=..``), app pages (``/api/v1/apps/{id}``) and release
   pages (``/api/v1/apps/{id}/releases/{version}``), mixed at random.
4. Prints publishes/s, requests/s and p50/p95 latency per kind of request.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests

# The server helper and the package factory live with the tests.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.worker_memory import mib, workers_pss, workers_rss  # noqa: E402
from tests import factories  # noqa: E402
from tests.e2e.server import RegistryServer, running  # noqa: E402

WORDS = ("zaken", "burger", "vergunning", "belasting", "afval", "parkeren", "subsidie", "melding",
         "paspoort", "verhuizing", "documenten", "archief", "betalen", "afspraak", "klant")
LAYERS = ("interaction", "process", "integration", "service", "data")
CATEGORIES = ("case-management", "document-management", "payments", "citizen-portal", "registers")
TIMEOUT = 60


@dataclass
class Timings:
    """Latencies per kind of request, shared by client threads."""

    samples: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, ok: bool) -> None:
        with self.lock:
            self.samples[kind].append(seconds)
            if not ok:
                self.failures[kind] += 1

    def count(self) -> int:
        return sum(len(s) for s in self.samples.values())


def package_for(index: int, version: str = "1.0.0") -> tuple[str, bytes]:
    """A distinct, valid app with words that searches can find (``version`` of it)."""
    rng = random.Random(index)
    words = rng.sample(WORDS, 3)
    app_id = f"bench-{words[0]}-{index:04d}"
    manifest = factories.manifest(
        id=app_id, version=version, name=f"{words[0].title()} {words[1]} {index}",
        summary=f"Een app voor {words[0]}, {words[1]} en {words[2]}",
        layer=rng.choice(LAYERS), categories=[rng.choice(CATEGORIES)],
    )
    return app_id, factories.package(manifest, **{"README.md": f"# {app_id}\n\n" + " ".join(words) * 50})


def publish(session: requests.Session, server: RegistryServer, archive: bytes, timings: Timings,
            kind: str) -> None:
    started = time.perf_counter()
    response = session.post(f"{server.api}/releases", files={"package": ("package.tar.gz", archive)},
                            headers={"Authorization": f"Bearer {server.token}"}, timeout=TIMEOUT)
    timings.add(kind, time.perf_counter() - started, response.status_code == 201)
    if response.status_code != 201:
        raise SystemExit(f"publish answered {response.status_code}: {response.text[:2000]}")


def publish_all(server: RegistryServer, packages: list[bytes], sequential: int,
                clients: int) -> tuple[dict[str, float], Timings]:
    """Publish every package; publishes/s and latencies of the sequential and concurrent phases."""
    rates: dict[str, float] = {}
    timings = Timings()
    with requests.Session() as session:
        started = time.perf_counter()
        for archive in packages[:sequential]:
            publish(session, server, archive, timings, "1 client")
        if sequential:
            rates["1 client"] = sequential / (time.perf_counter() - started)
    rest = packages[sequential:]
    if rest:
        local = threading.local()

        def one(archive: bytes) -> None:
            if not hasattr(local, "session"):
                local.session = requests.Session()
            publish(local.session, server, archive, timings, f"{clients} clients")

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            list(pool.map(one, rest))
        rates[f"{clients} clients"] = len(rest) / (time.perf_counter() - started)
    return rates, timings


def read_mix(server: RegistryServer, app_ids: list[str], pages: int) -> list[tuple[str, Callable[[], str]]]:
    """The kinds of read request, each with a maker of a URL."""
    api = server.api
    return [
        ("list page", lambda: f"{api}/apps?page={random.randint(1, pages)}"),
        ("search", lambda: f"{api}/apps?q={random.choice(WORDS)}&page=1"),
        ("app page", lambda: f"{api}/apps/{random.choice(app_ids)}"),
        ("release page", lambda: f"{api}/apps/{random.choice(app_ids)}/releases/1.0.0"),
    ]


def read_load(server: RegistryServer, app_ids: list[str], clients: int, duration: float,
              max_requests: int) -> tuple[Timings, float]:
    """Concurrent readers until the time or the request budget is used up."""
    timings = Timings()
    mix = read_mix(server, app_ids, pages=max(1, len(app_ids) // 20))
    deadline = time.perf_counter() + duration
    budget = threading.Semaphore(max_requests)

    def client(seed: int) -> None:
        rng = random.Random(seed)
        with requests.Session() as session:
            while time.perf_counter() < deadline and budget.acquire(blocking=False):
                kind, url = rng.choice(mix)
                started = time.perf_counter()
                response = session.get(url(), timeout=TIMEOUT)
                timings.add(kind, time.perf_counter() - started, response.status_code == 200)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(client, range(clients)))
    return timings, time.perf_counter() - started


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def report_latencies(title: str, timings: Timings) -> None:
    print(f"\n{title}")
    print(f"  {'kind':<14}{'requests':>9}{'failed':>8}{'p50 ms':>9}{'p95 ms':>9}{'mean ms':>9}")
    for kind, values in sorted(timings.samples.items()):
        print(f"  {kind:<14}{len(values):>9}{timings.failures[kind]:>8}"
              f"{percentile(values, 0.5) * 1000:>9.1f}{percentile(values, 0.95) * 1000:>9.1f}"
              f"{statistics.fmean(values) * 1000:>9.1f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--packages", type=int, default=200, help="packages to publish (default 200)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: serve's)")
    parser.add_argument("--threads", type=int, help="threads per worker (default: serve's)")
    parser.add_argument("--sequential", type=int, default=20,
                        help="publishes done one at a time before the concurrent ones (default 20)")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds of reading (default 15)")
    parser.add_argument("--max-requests", type=int, default=50_000, help="cap on read requests")
    args = parser.parse_args(argv)
    if args.packages < 1 or args.clients < 1:
        parser.error("--packages and --clients must be at least 1")

    print(f"building {args.packages} packages ...", flush=True)
    built = [package_for(i) for i in range(args.packages)]
    with tempfile.TemporaryDirectory(prefix="appstore-bench-") as tmp:
        server = RegistryServer(Path(tmp) / "data", workers=args.workers, threads=args.threads)
        server.setup("dimpact")
        with running(server):
            print(f"server: {' '.join(server.serve_command(server.port)[1:])}, SQLite")
            rates, publish_timings = publish_all(server, [archive for _, archive in built],
                                min(args.sequential, args.packages), args.clients)
            timings, elapsed = read_load(server, [app_id for app_id, _ in built], args.clients,
                                         args.duration, args.max_requests)
            rss, pss = workers_rss(server.process.pid), workers_pss(server.process.pid)
    print("\npublishes/s")
    for phase, rate in rates.items():
        print(f"  {phase:<14}{rate:>9.1f}")
    report_latencies("publish latency", publish_timings)
    report_latencies(f"reads: {args.clients} clients for {elapsed:.1f}s", timings)
    print(f"\n  requests/s    {timings.count() / elapsed:>9.1f}")
    print(f"\nworkers after the load: RSS {', '.join(mib(v) for v in rss.values())}; "
          f"PSS {', '.join(mib(v) for v in pss.values()) or 'not known'} (total {mib(sum(pss.values()))})")
    failed = sum(timings.failures.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
