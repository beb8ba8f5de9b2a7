"""Publishing side by side: our registry with full verification against devpi-server's uploads.

Usage (from the repository root)::

    .venv/bin/python bench/publish_vs_devpi.py [--packages 200] [--clients 4] [--rounds 2]

Both servers run on 127.0.0.1 in temporary folders, at the same time, and are
measured one after the other in each round, so that both see the same machine:

- devpi-server, installed with pip into a virtual environment of its own (in
  the temporary folder, or ``--devpi-venv DIR`` to keep and reuse one), set up
  with ``devpi-init --no-root-pypi`` and one index of type ``stage``; uploads
  are what ``devpi upload`` sends (``:action=file_upload`` with the token of
  ``devpi login`` in ``X-Devpi-Auth``), of small distinct sdists. devpi stores the file and its metadata; it verifies
  nothing in it.
- our registry: ``appstore-registry init``, ``org create``, ``token create``,
  ``serve`` with its default workers and threads, or ``--workers`` and ``--threads`` (SQLite and file store, the
  embedded defaults); publishes of distinct small valid packages (manifest,
  publiccode.yml, a Deployment, README), each verified by every built-in plugin
  on the shipped platform profiles.

Each server first gets ``--warm-up`` uploads (not counted). Every upload must
answer 200/201. Prints publishes/s, p50 and p95 per server and round, and the
ratio of ours to devpi's. The archives of a round are made before its clock
starts, for both servers alike.

Each round uploads new projects and apps (version 1.0.0). With
``--next-versions``, the rounds after the first upload the next version
(1.1.0, 1.2.0, ...) of the projects and apps of the first round instead: a
registry's everyday publish, where the app and its earlier releases exist.
"""

from __future__ import annotations

import argparse
import base64
import io
import os
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import venv
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.registry_throughput import TIMEOUT, package_for, percentile  # noqa: E402
from tests.e2e.server import HOST, RegistryServer, free_port, running, wait_until  # noqa: E402

DEVPI_PACKAGES = ("devpi-server", "devpi-client")
DEVPI_START_TIMEOUT = 300.0  # its first start on a busy machine takes a minute
DEVPI_PASSWORD = "bench"


def sdist(name: str, version: str) -> bytes:
    """A small valid sdist: PKG-INFO, a setup.py and a module."""
    files = {
        "PKG-INFO": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: bench {name}\n",
        "setup.py": f"from setuptools import setup\nsetup(name={name!r}, version={version!r})\n",
        f"{name.replace('-', '_')}.py": "VALUE = 1\n" * 50,
    }
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for path, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{name}-{version}/{path}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def devpi_environment(folder: Path) -> Path:
    """A virtual environment with devpi-server in ``folder`` (made and installed if missing)."""
    server = folder / "bin" / "devpi-server"
    if not server.exists():
        print(f"installing {', '.join(DEVPI_PACKAGES)} into {folder} ...", flush=True)
        venv.create(folder, with_pip=True)
        subprocess.run([str(folder / "bin" / "python"), "-m", "pip", "install", "--quiet", *DEVPI_PACKAGES],
                       check=True)
    return folder


class Devpi:
    """A devpi-server on a free port with one stage index, ``bench/dev``."""

    def __init__(self, environment: Path, server_dir: Path) -> None:
        self.bin = environment / "bin"
        self.server_dir = server_dir
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = server_dir.parent / "devpi.log"
        self.auth_header: dict[str, str] = {}

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def index(self) -> str:
        return f"{self.url}/bench/dev/"

    def start(self) -> None:
        subprocess.run([str(self.bin / "devpi-init"), "--serverdir", str(self.server_dir), "--no-root-pypi"],
                       check=True, capture_output=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [str(self.bin / "devpi-server"), "--serverdir", str(self.server_dir), "--host", HOST,
                 "--port", str(self.port)], stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        if not wait_until(self._answers, DEVPI_START_TIMEOUT, interval=0.5):
            self.stop()
            raise RuntimeError(f"devpi-server did not answer:\n{self.log_path.read_text()[-2000:]}")
        self._make_index()

    def _answers(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise RuntimeError(f"devpi-server exited:\n{self.log_path.read_text()[-2000:]}")
        try:
            return requests.get(f"{self.url}/+api", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def _make_index(self) -> None:
        """A user and a stage index through devpi's JSON API, as ``devpi user -c`` and ``devpi index -c`` do."""
        json_headers = {"Accept": "application/json", "Content-Type": "application/json"}
        made = requests.put(f"{self.url}/bench", json={"password": DEVPI_PASSWORD}, headers=json_headers,
                            timeout=TIMEOUT)
        made.raise_for_status()
        made = requests.put(f"{self.url}/bench/dev", json={"type": "stage", "bases": []}, headers=json_headers,
                            auth=("bench", DEVPI_PASSWORD), timeout=TIMEOUT)
        made.raise_for_status()
        login = requests.post(f"{self.url}/+login", json={"user": "bench", "password": DEVPI_PASSWORD},
                              headers=json_headers, timeout=TIMEOUT)
        login.raise_for_status()
        # What devpi-client sends after `devpi login`: a signed token, checked without hashing a password.
        credentials = f"bench:{login.json()['result']['password']}"
        self.auth_header = {"X-Devpi-Auth": base64.b64encode(credentials.encode()).decode()}

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None


@contextmanager
def devpi_running(devpi: Devpi) -> Iterator[Devpi]:
    devpi.start()
    try:
        yield devpi
    finally:
        devpi.stop()


@dataclass(frozen=True)
class Upload:
    """How one server takes an upload: the archive of upload N, and the request that sends it."""

    archive: Callable[[int], bytes]
    send: Callable[[requests.Session, int, bytes], requests.Response]


def devpi_upload(devpi: Devpi) -> Upload:
    def send(session: requests.Session, index: int, archive: bytes) -> requests.Response:
        name = f"bench-pkg-{index:05d}"
        form = {":action": "file_upload", "name": name, "version": "1.0.0", "protocol_version": "1",
                "filetype": "sdist", "pyversion": "source", "metadata_version": "2.1"}
        return session.post(devpi.index, data=form, files={"content": (f"{name}-1.0.0.tar.gz", archive)},
                            headers=devpi.auth_header, timeout=TIMEOUT)
    return Upload(lambda index: sdist(f"bench-pkg-{index:05d}", "1.0.0"), send)


def devpi_next_version(devpi: Devpi, minor: int) -> Upload:
    """Version 1.``minor``.0 of the projects that ``devpi_upload`` made."""
    version = f"1.{minor}.0"

    def send(session: requests.Session, index: int, archive: bytes) -> requests.Response:
        name = f"bench-pkg-{index:05d}"
        form = {":action": "file_upload", "name": name, "version": version, "protocol_version": "1",
                "filetype": "sdist", "pyversion": "source", "metadata_version": "2.1"}
        return session.post(devpi.index, data=form, files={"content": (f"{name}-{version}.tar.gz", archive)},
                            headers=devpi.auth_header, timeout=TIMEOUT)
    return Upload(lambda index: sdist(f"bench-pkg-{index:05d}", version), send)


def registry_upload(server: RegistryServer) -> Upload:
    def send(session: requests.Session, index: int, archive: bytes) -> requests.Response:
        return session.post(f"{server.api}/releases", files={"package": ("package.tar.gz", archive)},
                            headers={"Authorization": f"Bearer {server.token}"}, timeout=TIMEOUT)
    return Upload(lambda index: package_for(index)[1], send)


def registry_next_version(server: RegistryServer, minor: int) -> Upload:
    """Version 1.``minor``.0 of the apps that ``registry_upload`` published."""
    return Upload(lambda index: package_for(index, f"1.{minor}.0")[1], registry_upload(server).send)


def run(upload: Upload, indices: range, clients: int) -> tuple[float, list[float]]:
    """Upload ``indices`` from ``clients`` threads; uploads/s and each upload's seconds.

    The archives are made before the clock starts, for both servers alike: a client
    uploads a package it has built already, and the clients share the servers' CPUs."""
    archives = {index: upload.archive(index) for index in indices}
    local = threading.local()
    latencies: list[float] = []
    lock = threading.Lock()

    def one(index: int) -> None:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        started = time.perf_counter()
        response = upload.send(local.session, index, archives[index])
        seconds = time.perf_counter() - started
        if response.status_code not in (200, 201):
            raise SystemExit(f"upload answered {response.status_code}: {response.text[:2000]}")
        with lock:
            latencies.append(seconds)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(one, indices))
    return len(indices) / (time.perf_counter() - started), latencies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--packages", type=int, default=200, help="uploads per server and round (default 200)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (default 4)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds, each devpi then ours (default 2)")
    parser.add_argument("--warm-up", type=int, default=10, help="uploads not counted, per server (default 10)")
    parser.add_argument("--devpi-venv", type=Path, help="virtual environment with devpi-server (made if missing)")
    parser.add_argument("--next-versions", action="store_true",
                        help="after the first round, upload next versions of its projects and apps")
    parser.add_argument("--workers", type=int, help="our server's workers (default: serve's)")
    parser.add_argument("--threads", type=int, help="our server's threads per worker (default: serve's)")
    args = parser.parse_args(argv)
    if args.packages < 1 or args.clients < 1 or args.rounds < 1:
        parser.error("--packages, --clients and --rounds must be at least 1")

    with tempfile.TemporaryDirectory(prefix="appstore-bench-") as tmp:
        root = Path(tmp)
        environment = devpi_environment(args.devpi_venv or root / "devpi-venv")
        devpi = Devpi(environment, root / "devpi")
        server = RegistryServer(root / "registry", workers=args.workers, threads=args.threads)
        server.setup("dimpact")
        print("starting devpi-server and appstore-registry serve ...", flush=True)
        with devpi_running(devpi), running(server), log_on_failure(server):
            sides = {"devpi upload": devpi_upload(devpi), "our publish": registry_upload(server)}
            for upload in sides.values():
                run(upload, range(args.warm_up), args.clients)
            results: dict[str, list[tuple[float, list[float]]]] = {name: [] for name in sides}
            start = args.warm_up
            for number in range(args.rounds):
                if args.next_versions and number:
                    sides = {"devpi upload": devpi_next_version(devpi, number),
                             "our publish": registry_next_version(server, number)}
                for name, upload in sides.items():
                    results[name].append(run(upload, range(start, start + args.packages), args.clients))
                if not args.next_versions:
                    start += args.packages
    report(results, args.clients, os.cpu_count() or 0)
    return 0


@contextmanager
def log_on_failure(server: RegistryServer) -> Iterator[None]:
    """Print the end of our server's log when an upload failed, to show why."""
    try:
        yield
    except SystemExit:
        print(f"our server's log ends:\n{server.log_tail(80)}", file=sys.stderr)
        raise


def report(results: dict[str, list[tuple[float, list[float]]]], clients: int, cpus: int) -> None:
    print(f"\n{clients} clients, {cpus} CPUs shared by servers and clients")
    print(f"  {'round':<7}{'server':<14}{'per s':>8}{'p50 ms':>9}{'p95 ms':>9}")
    for index in range(len(next(iter(results.values())))):
        for name, rounds in results.items():
            rate, latencies = rounds[index]
            print(f"  {index + 1:<7}{name:<14}{rate:>8.1f}{percentile(latencies, 0.5) * 1000:>9.1f}"
                  f"{percentile(latencies, 0.95) * 1000:>9.1f}")
        ours, theirs = results["our publish"][index][0], results["devpi upload"][index][0]
        print(f"  {index + 1:<7}{'ratio':<14}{ours / theirs:>8.2f}")


if __name__ == "__main__":
    sys.exit(main())
