"""The catalogue list and search beside pypiserver's ``/simple/`` index, on this machine.

Usage (from the repository root; needs ``wrk``, the Debian package)::

    .venv/bin/python bench/index_vs_pypiserver.py [--apps 1000] [--duration 10] [--rounds 2]
    .venv/bin/python bench/index_vs_pypiserver.py --source /tmp/appstore-before   # another revision

What it does, all on 127.0.0.1 in a temporary folder that is removed afterwards:

1. pypiserver (``--pypiserver``, the path of a ``pypi-server`` command; by default
   installed with pip, with waitress and its listing cache, into a virtual environment in the temporary folder, so the
   registry never depends on it) serves a folder of ``--apps`` packages, one
   file each, with its default server.
2. Our registry: ``appstore-registry init``, the same number of apps bulk-inserted
   as ``bench/results_page.py`` does (a release, verdicts on three profiles, the
   search index), then ``appstore-registry serve`` with its default workers (or ``--workers``, ``--threads``).
3. ``wrk`` loads each URL in turn for ``--duration`` seconds with
   ``--connections`` connections: pypiserver's ``/simple/``, our
   ``GET /api/v1/apps`` (first page), ``GET /api/v1/apps?q=zaak``, the web
   results page ``/apps?profile=profile-1``, and the API list once more with
   ``If-None-Match`` (a client that revalidates its copy). ``--rounds`` rounds,
   the URLs alternating, so that the machine's load falls on all of them alike.
4. Prints requests/s and p95 per URL (the best round, and each round), the
   ratio to pypiserver's ``/simple/``, and the resident memory (RSS) of every
   gunicorn worker after the load.

``--source DIR`` runs our server with the code of another checkout (put first on
``PYTHONPATH``) to compare before and after on the same machine.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from results_page import fill  # noqa: E402

from bench.worker_memory import mib, workers_rss  # noqa: E402
from registry.app import create_app  # noqa: E402
from registry.db import database  # noqa: E402
from tests.e2e.server import HOST, RegistryServer, free_port, running, wait_until  # noqa: E402

#: wrk prints the 95th percentile of its latencies (in microseconds) after its summary.
P95_SCRIPT = ('done = function(summary, latency, requests) '
              'io.write(string.format("p95 %d\\n", latency:percentile(95))) end\n')


@dataclass(frozen=True)
class Target:
    name: str
    url: str
    headers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Figure:
    requests_per_second: float
    p95_ms: float
    errors: int


def pypiserver_command(folder: Path, given: str | None) -> str:
    """A ``pypi-server`` command: the one given, or one installed into a fresh venv in ``folder``."""
    if given:
        return given
    venv = folder / "pypiserver-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "pypiserver[cache]", "waitress"], check=True)
    return str(venv / "bin" / "pypi-server")


def start_pypiserver(command: str, packages: Path, count: int) -> tuple[subprocess.Popen[bytes], str]:
    packages.mkdir()
    for i in range(count):
        (packages / f"app-{i}-1.0.0.tar.gz").write_bytes(b"\x1f\x8b")
    port = free_port()
    process = subprocess.Popen([command, "run", "-i", HOST, "-p", str(port), "-a", ".", "-P", ".", str(packages)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://{HOST}:{port}"

    def answers() -> bool:
        try:
            return requests.get(f"{url}/simple/", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    if not wait_until(answers, 60):
        process.kill()
        raise RuntimeError("pypiserver did not answer within 60 s")
    return process, url


def start_registry(folder: Path, apps: int, workers: int | None, threads: int | None) -> RegistryServer:
    server = RegistryServer(folder / "data", workers=workers, threads=threads)
    server.data_dir.mkdir(parents=True)
    server.admin("init")
    app = create_app({"DATA_DIR": str(server.data_dir), "SECRET_KEY": "bench", "LOAD_INSTALLED_PLUGINS": False})
    fill(app, apps)
    database(app).dispose()
    return server


def load(target: Target, duration: float, connections: int, script: Path) -> Figure:
    headers = [arg for header in target.headers for arg in ("-H", header)]
    result = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{duration:g}s", "--timeout", "10s", "-s", str(script),
         *headers, target.url],
        capture_output=True, text=True, timeout=duration + 60, check=True)
    out = result.stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p95 = int(re.search(r"^p95 (\d+)$", out, re.M).group(1)) / 1000  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    failed = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = int(bad.group(1)) if bad else 0
    errors += sum(int(n) for n in failed.groups()) if failed else 0
    return Figure(rate, p95, errors)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--apps", type=int, default=1000, help="apps / packages on each side (default 1000)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load per URL and round")
    parser.add_argument("--connections", type=int, default=8, help="wrk's open connections (default 8)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds over all URLs, alternating (default 2)")
    parser.add_argument("--pypiserver", help="a pypi-server command to use instead of installing one")
    parser.add_argument("--source", type=Path, help="run our server with the code of this checkout")
    parser.add_argument("--workers", type=int, help="our server's workers (default: serve's)")
    parser.add_argument("--threads", type=int, help="our server's threads per worker (default: serve's)")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        parser.error("wrk is missing: apt-get install wrk")
    if args.source:
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(args.source.resolve()),
                                                                  os.environ.get("PYTHONPATH")]))
    with tempfile.TemporaryDirectory(prefix="appstore-bench-index-") as tmp:
        folder = Path(tmp)
        script = folder / "p95.lua"
        script.write_text(P95_SCRIPT)
        pypi, pypi_url = start_pypiserver(pypiserver_command(folder, args.pypiserver), folder / "packages",
                                          args.apps)
        server = start_registry(folder, args.apps, args.workers, args.threads)
        try:
            with running(server):
                etag = requests.get(f"{server.api}/apps", timeout=30).headers.get("ETag", "none")
                targets = [
                    Target("pypiserver /simple/", f"{pypi_url}/simple/"),
                    Target("GET /api/v1/apps", f"{server.api}/apps"),
                    Target("GET /api/v1/apps?q=zaak", f"{server.api}/apps?q=zaak"),
                    Target("web /apps?profile=profile-1", f"{server.url}/apps?profile=profile-1"),
                    Target("GET /api/v1/apps, If-None-Match", f"{server.api}/apps", (f"If-None-Match: {etag}",)),
                ]
                rounds = [[load(t, args.duration, args.connections, script) for t in targets]
                          for _ in range(args.rounds)]
                assert server.process is not None
                rss = workers_rss(server.process.pid)
        finally:
            pypi.kill()
            pypi.wait()
    report(targets, rounds, rss, args)
    return 1 if any(f.errors for figures in rounds for f in figures) else 0


def report(targets: list[Target], rounds: list[list[Figure]], rss: dict[int, int],
           args: argparse.Namespace) -> None:
    print(f"{args.apps} apps; wrk, {args.connections} connections, {args.duration:g} s per URL and round; "
          f"our code from {args.source or 'this checkout'}")
    best = [max((r[i] for r in rounds), key=lambda f: f.requests_per_second) for i in range(len(targets))]
    print(f"{'URL':<34} {'req/s':>8} {'p95 ms':>8} {'x pypi':>7}  rounds (req/s)  errors")
    for i, target in enumerate(targets):
        figure = best[i]
        ratio = figure.requests_per_second / best[0].requests_per_second
        each = " / ".join(f"{r[i].requests_per_second:.0f}" for r in rounds)
        errors = sum(r[i].errors for r in rounds)
        print(f"{target.name:<34} {figure.requests_per_second:8.0f} {figure.p95_ms:8.1f} {ratio:7.2f}  "
              f"{each}  {errors}")
    print(f"worker RSS after the load: {', '.join(mib(v) for v in rss.values())}")


if __name__ == "__main__":
    sys.exit(main())
