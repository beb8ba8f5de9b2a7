"""Ordinary reads while slow clients trickle headers or uploads: one server setup against another.

Usage (from the repository root)::

    .venv/bin/python bench/slow_clients.py [--server new old ...] [--duration 8] [--publishers]

For each ``--server`` (``new``: ``appstore-registry serve``; ``old``: gunicorn's
gthread worker, 2 workers x 4 threads, as ``serve`` ran before; ``gthread-64``:
the same with 32 threads per worker; ``gevent``: gunicorn's gevent worker;
``waitress``: plain waitress, one process, 8 threads), in a temporary data dir:

1. starts the server on 127.0.0.1 and creates an organisation and its token;
2. per row, opens the slow connections (headers: one header byte every 0.5 s;
   uploads: a publish with a valid token whose body comes 16 bytes every 0.5 s),
   waits ``--settle`` seconds, then reads ``/api/v1/apps`` one request after
   another for ``--duration`` seconds (timeout ``--timeout``; a timeout counts
   as a failure and as that many seconds), while the slow crowd reconnects
   whatever the server cuts off, as an attacker would;
3. prints p50/p95/max latency of the reads, how many failed, and how many slow
   connections the server cut off meanwhile.

``--publishers`` adds a row where two clients publish packages back to back (no
slow clients): reads then share the workers with CPU-heavy verification.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import factories  # noqa: E402
from tests.e2e.server import HOST, RegistryServer, console_script, running  # noqa: E402
from tests.e2e.slow_clients import SlowCrowd  # noqa: E402

APP = "registry.app:create_app()"


def gunicorn(*options: str) -> Callable[[int], list[str]]:
    return lambda port: [console_script("gunicorn"), "--bind", f"{HOST}:{port}", "--workers", "2",
                         "--timeout", "120", *options, APP]


SERVERS: dict[str, Callable[[int], list[str]] | None] = {
    "new": None,  # appstore-registry serve
    "old": gunicorn("--worker-class", "gthread", "--threads", "4"),
    "gthread-64": gunicorn("--worker-class", "gthread", "--threads", "32"),
    "gevent": gunicorn("--worker-class", "gevent", "--worker-connections", "1000"),
    "waitress": lambda port: [console_script("waitress-serve"), f"--listen={HOST}:{port}", "--threads=8",
                              "--connection-limit=1000", "--channel-timeout=20", "--call",
                              "registry.app:create_app"],
}
ROWS = ((0, 0), (10, 0), (50, 0), (0, 10), (0, 50), (50, 50))


def read_latencies(server: RegistryServer, duration: float, timeout: float) -> tuple[list[float], int]:
    """Latencies of back-to-back catalogue reads, and how many failed."""
    latencies, failed = [], 0
    until = time.monotonic() + duration
    while time.monotonic() < until:
        started = time.perf_counter()
        try:
            ok = requests.get(f"{server.api}/apps", timeout=timeout).status_code == 200
        except requests.RequestException:
            ok = False
        latencies.append(time.perf_counter() - started if ok else timeout)
        failed += not ok
    return latencies, failed


def publishing(server: RegistryServer, stop: threading.Event, offset: int) -> None:
    """Publish distinct packages until told to stop."""
    index = 0
    while not stop.is_set():
        manifest = factories.manifest(id=f"bench-busy-{offset}-{index:04d}", version="1.0.0")
        archive = factories.package(manifest, **{"README.md": "# bench\n\n" + "tekst " * 2000})
        requests.post(f"{server.api}/releases", files={"package": ("package.tar.gz", archive)},
                      headers={"Authorization": f"Bearer {server.token}"}, timeout=120)
        index += 1


def row(label: str, latencies: list[float], failed: int, cut_off: str) -> str:
    ms = sorted(value * 1000 for value in latencies)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return (f"  {label:<22}{len(ms):>6}{statistics.median(ms):>9.0f}{p95:>9.0f}{ms[-1]:>9.0f}"
            f"{failed:>8}   {cut_off}")


def measure(name: str, args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="appstore-bench-") as tmp:
        server = RegistryServer(Path(tmp) / "data", command=SERVERS[name])
        server.setup("dimpact")
        with running(server):
            print(f"\n{name}: {' '.join((server.command(server.port))[1:])}")
            print(f"  {'slow headers/uploads':<22}{'reads':>6}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
                  f"{'failed':>8}   cut off by the server (headers/uploads)")
            for headers, uploads in ROWS:
                with SlowCrowd(server.port, headers, uploads, token=server.token) as crowd:
                    time.sleep(args.settle if headers or uploads else 0)
                    before = crowd.cut_off_count("header"), crowd.cut_off_count("upload")
                    latencies, failed = read_latencies(server, args.duration, args.timeout)
                    cut = (f"{crowd.cut_off_count('header') - before[0]}/"
                           f"{crowd.cut_off_count('upload') - before[1]}")
                print(row(f"{headers}/{uploads}", latencies, failed, cut), flush=True)
            if args.publishers:
                stop = threading.Event()
                threads = [threading.Thread(target=publishing, args=(server, stop, i)) for i in range(2)]
                for thread in threads:
                    thread.start()
                time.sleep(args.settle)
                latencies, failed = read_latencies(server, args.duration, args.timeout)
                stop.set()
                for thread in threads:
                    thread.join(timeout=150)
                print(row("2 publishers", latencies, failed, "-"), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", nargs="+", choices=sorted(SERVERS), default=["old", "new"],
                        help="server setups to compare (default: old new)")
    parser.add_argument("--duration", type=float, default=8.0, help="seconds of reading per row (default 8)")
    parser.add_argument("--settle", type=float, default=2.0,
                        help="seconds between opening the slow connections and reading (default 2)")
    parser.add_argument("--timeout", type=float, default=5.0, help="timeout of one read (default 5)")
    parser.add_argument("--publishers", action="store_true", help="add a row with two clients publishing")
    args = parser.parse_args(argv)
    for name in args.server:
        measure(name, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
