"""Serving a release's screenshots under load: requests/s, latency and the workers' memory.

Usage (from the repository root)::

    .venv/bin/python bench/release_images.py --clients 8 --duration 20
    .venv/bin/python bench/release_images.py --source /tmp/appstore-main   # another revision's code

What it does, all on 127.0.0.1 in a temporary data dir that is removed afterwards:

1. ``appstore-registry init``, ``org create``, ``token create``, then
   ``appstore-registry serve --workers N`` (gunicorn) on a free port.
2. Publishes one open-source app whose package is about ``--package-mib`` MiB
   (deploy files, a logo, three screenshots, and other files of the kind a real
   package carries: OpenAPI documents, a vendored chart), so that unpacking the
   package costs what it costs for a real app.
3. ``--clients`` anonymous clients fetch its screenshots (``/apps/{id}/releases/
   {version}/screenshots/{n}``) for ``--duration`` seconds, without caching.
   Meanwhile the resident memory (RSS) of every gunicorn worker is sampled.
4. Prints requests/s, p50/p95 latency, and the workers' RSS before the load and
   at its peak.

``--source DIR`` runs the server with the code of another checkout (put first on
``PYTHONPATH``), e.g. an export of an earlier revision (``git archive``), to
compare before and after on the same machine. Memory is read from ``/proc``
(Linux).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.worker_memory import mib, workers_rss  # noqa: E402
from tests import factories  # noqa: E402
from tests.e2e.server import RegistryServer, running  # noqa: E402
from tests.registry.content_support import png  # noqa: E402

APP_ID = "zaakafhandelcomponent"
VERSION = "1.4.0"
SCREENSHOTS = 3
TIMEOUT = 60


def bench_package(package_mib: int) -> bytes:
    """An open-source package of about ``package_mib`` MiB with a logo and three screenshots."""
    rng = random.Random(7)
    files = factories.package_files(factories.manifest())
    shots = [f"docs/screenshot-{n}.png" for n in range(SCREENSHOTS)]
    for n, path in enumerate(shots):
        files[path] = png(1280, f"screenshot {n}") + rng.randbytes(300 * 1024)
    files["docs/logo.png"] = png(512, "logo") + rng.randbytes(20 * 1024)
    document = factories.publiccode()
    document["logo"] = "docs/logo.png"
    document["description"]["nl"]["screenshots"] = shots
    files["publiccode.yml"] = yaml.safe_dump(document, sort_keys=False).encode()
    rest = max(0, package_mib * 1024 * 1024 - sum(len(v) for v in files.values()))
    for n in range(max(1, rest // (512 * 1024))):  # incompressible: the archive stays this size
        files[f"openapi/vendored/part-{n:03d}.bin"] = rng.randbytes(min(512 * 1024, rest))
    return factories.tar_gz(files)


class MemoryWatch:
    """Samples the workers' RSS in a thread; keeps each worker's peak."""

    def __init__(self, master: int, interval: float = 0.1) -> None:
        self.master, self.interval = master, interval
        self.peaks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for pid, rss in workers_rss(self.master).items():
                self.peaks[pid] = max(self.peaks.get(pid, 0), rss)
            self._stop.wait(self.interval)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def load(server: RegistryServer, clients: int, duration: float) -> tuple[list[float], int, float]:
    """Latencies, failures and elapsed seconds of ``clients`` readers of the screenshots."""
    base = f"{server.url}/apps/{APP_ID}/releases/{VERSION}/screenshots"
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + duration

    def client(seed: int) -> None:
        nonlocal failures
        rng = random.Random(seed)
        with requests.Session() as session:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = session.get(f"{base}/{rng.randrange(SCREENSHOTS)}", timeout=TIMEOUT)
                ok = response.status_code == 200 and response.content.startswith(b"\x89PNG")
                with lock:
                    latencies.append(time.perf_counter() - started)
                    failures += 0 if ok else 1

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(client, range(clients)))
    return latencies, failures, time.perf_counter() - started


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of load (default 20)")
    parser.add_argument("--package-mib", type=int, default=12, help="size of the package in MiB (default 12)")
    parser.add_argument("--source", type=Path, help="run the server with the code of this checkout")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.duration <= 0 or not 1 <= args.package_mib <= 45:
        parser.error("--clients >= 1, --duration > 0, --package-mib from 1 to 45")
    if args.source:
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(args.source.resolve()),
                                                                  os.environ.get("PYTHONPATH")]))
    archive = bench_package(args.package_mib)
    with tempfile.TemporaryDirectory(prefix="appstore-bench-") as tmp:
        server = RegistryServer(Path(tmp) / "data", workers=args.workers)
        server.setup("dimpact")
        with running(server):
            published = requests.post(f"{server.api}/releases", files={"package": ("p.tar.gz", archive)},
                                      headers={"Authorization": f"Bearer {server.token}"}, timeout=TIMEOUT)
            if published.status_code != 201:
                raise SystemExit(f"publish answered {published.status_code}: {published.text[:2000]}")
            assert server.process is not None
            before = workers_rss(server.process.pid)
            with MemoryWatch(server.process.pid) as watch:
                latencies, failures, elapsed = load(server, args.clients, args.duration)
    print(f"server: gunicorn, {args.workers} workers, code from {args.source or 'this checkout'}")
    print(f"package: {len(archive) / 1024 / 1024:.1f} MiB; {args.clients} clients for {elapsed:.1f} s")
    print(f"  requests       {len(latencies):>9}   failed {failures}")
    print(f"  requests/s     {len(latencies) / elapsed:>9.1f}")
    print(f"  p50 / p95 ms   {percentile(latencies, 0.5) * 1000:>9.1f} / {percentile(latencies, 0.95) * 1000:.1f}")
    print(f"  mean ms        {statistics.fmean(latencies) * 1000:>9.1f}")
    print(f"  worker RSS     before {', '.join(mib(v) for v in before.values())}; "
          f"peak {', '.join(mib(v) for v in watch.peaks.values())} (sum {mib(sum(watch.peaks.values()))})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
