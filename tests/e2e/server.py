"""A real registry server as a process on 127.0.0.1, for end-to-end tests and benchmarks.

The server runs under gunicorn (``appstore-registry serve``) in its own process
group, so that the master and its workers can be stopped, or killed, together.
Every wait is bounded: a server that does not come up fails with its log.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

HOST = "127.0.0.1"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
COMMAND_TIMEOUT = 120.0
#: argon2 at its cheapest (APPSTORE_PASSWORD_HASH_PROFILE): no test password protects
#: anything, and the secure costs (a large fraction of a second per hash on a busy
#: machine) would add minutes to the suite.
CHEAP_PASSWORDS = "cheapest-for-tests"


def wait_until(ready: Callable[[], bool], timeout: float, interval: float = 0.1) -> bool:
    """Ask ``ready`` until it says yes or ``timeout`` seconds have passed; whether it said yes.

    The one poll loop of the tests and benchmarks: every wait is bounded, and
    ``timeout`` is far above what the awaited thing needs, so that a loaded
    machine makes a test slower, never red."""
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)
    return True


def console_script(name: str) -> str:
    """A console script of this environment: it sits next to the interpreter."""
    path = Path(sys.executable).parent / name
    if not path.exists():
        raise FileNotFoundError(f"{name} is not installed next to {sys.executable}; pip install -e '.[server]'")
    return str(path)


def free_port() -> int:
    """A port the OS says is free on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def registry_environment(data_dir: Path) -> dict[str, str]:
    """This environment without any APPSTORE_* setting but the data dir and cheap password hashes."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("APPSTORE_")}
    return env | registry_settings(data_dir)


def registry_settings(data_dir: Path) -> dict[str, str]:
    """The APPSTORE_* settings of a test registry: its data dir and cheap password hashes."""
    return {"APPSTORE_DATA_DIR": str(data_dir), "APPSTORE_PASSWORD_HASH_PROFILE": CHEAP_PASSWORDS}


class RegistryServer:
    """One registry data dir, its admin command line and a server process on it."""

    def __init__(self, data_dir: Path, *, workers: int | None = 2, threads: int | None = None,
                 environment: dict[str, str] | None = None,
                 command: Callable[[int], list[str]] | None = None) -> None:
        """``workers`` and ``threads`` of ``serve`` (None: serve's own default); ``environment``
        adds settings (``APPSTORE_SERVE_HEADER_TIMEOUT``, ...) to the server's and its commands';
        ``command`` gives another server command line for a port (benchmarks compare servers)."""
        self.data_dir = data_dir
        self.workers, self.threads = workers, threads
        self.environment = environment or {}
        self.command = command or self.serve_command
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.token = ""  # set by setup()
        self.log_path = data_dir.parent / f"{data_dir.name}-server.log"

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def api(self) -> str:
        return f"{self.url}/api/v1"

    def admin(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run ``appstore-registry ARGS`` on this data dir."""
        result = subprocess.run(
            [console_script("appstore-registry"), *args],
            env=registry_environment(self.data_dir) | self.environment, cwd=self.data_dir.parent,
            capture_output=True, text=True, timeout=COMMAND_TIMEOUT,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"appstore-registry {' '.join(args)} failed ({result.returncode}):\n"
                                 f"{result.stdout}{result.stderr}")
        return result

    def fsck(self, *extra: str) -> dict[str, Any]:
        """The JSON report of ``fsck`` (its exit status says only whether it is clean)."""
        result = self.admin("fsck", "--format", "json", *extra, check=False)
        try:
            return json.loads(result.stdout)
        except json.JSONDecodeError:
            raise AssertionError(f"fsck gave no JSON ({result.returncode}):\n{result.stdout}{result.stderr}") from None

    def setup(self, organisation: str = "dimpact", kind: str = "cooperation") -> str:
        """Create the database and one organisation; keep and return a fresh token of it."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.admin_here("init")
        self.admin_here("org", "create", organisation, "--name", organisation.title(), "--kind", kind)
        # The secret is the only line on stdout; the notice goes to stderr.
        self.token = self.admin_here("token", "create", "--org", organisation).strip()
        return self.token

    def admin_here(self, *args: str) -> str:
        """Run ``appstore-registry ARGS`` on this data dir in this process; its stdout.

        The same commands as ``admin``, without a Python start-up each (seconds of
        processor on a busy machine); ``admin`` runs them as an operator would."""
        return admin_in_process(self.data_dir, *args, environment=self.environment)

    def start(self) -> None:
        """Start gunicorn and wait until the catalogue answers."""
        assert self.process is None, "the server runs already"
        self.port = free_port()
        log = self.log_path.open("ab")
        try:
            self.process = subprocess.Popen(
                self.command(self.port),
                env=registry_environment(self.data_dir) | self.environment, cwd=self.data_dir.parent,
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group: workers die with the master
            )
        finally:
            log.close()
        self._wait_until_ready()

    def serve_command(self, port: int) -> list[str]:
        """``appstore-registry serve`` on ``port``: the production server."""
        sizing = {"--workers": self.workers, "--threads": self.threads}
        return [console_script("appstore-registry"), "serve", "--host", HOST, "--port", str(port),
                *(part for option, value in sizing.items() if value is not None for part in (option, str(value)))]

    def _wait_until_ready(self) -> None:
        if not wait_until(self._answers, START_TIMEOUT):
            self.kill()
            raise RuntimeError(f"the server did not answer within {START_TIMEOUT:g}s:\n{self.log_tail()}")

    def _answers(self) -> bool:
        """Whether the catalogue answers; raises when the server has exited."""
        assert self.process is not None
        if self.process.poll() is not None:
            self.process = None
            raise RuntimeError(f"the server exited at start:\n{self.log_tail()}")
        try:
            # A refused connection fails at once; a loaded server gets time to answer
            # rather than a pile of abandoned requests.
            return requests.get(f"{self.api}/apps", timeout=(2, 10)).status_code == 200
        except requests.RequestException:
            return False

    def _signal_group(self, signum: int) -> None:
        assert self.process is not None
        try:
            os.killpg(self.process.pid, signum)
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        """SIGKILL the master and every worker at once, as a power cut would."""
        if self.process is None:
            return
        self._signal_group(signal.SIGKILL)
        self.process.wait(timeout=STOP_TIMEOUT)
        self.process = None

    def stop(self) -> None:
        """Stop gracefully; kill what has not stopped in time."""
        if self.process is None:
            return
        self._signal_group(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pass
        # Workers that outlive the master would keep the data dir busy.
        self._signal_group(signal.SIGKILL)
        self.process.wait(timeout=STOP_TIMEOUT)
        self.process = None

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def admin_in_process(data_dir: Path, *args: str, environment: dict[str, str] | None = None) -> str:
    """``appstore-registry ARGS`` on ``data_dir``, run in this process with only the test
    registry's settings (and ``environment``); its stdout, or AssertionError with its output."""
    from click.testing import CliRunner

    from registry.cli import main
    from registry.db import database

    unset: dict[str, str | None] = {name: None for name in os.environ if name.startswith("APPSTORE_")}
    state: dict[str, Any] = {}
    result = CliRunner().invoke(main, list(args), obj=state,
                                env=unset | registry_settings(data_dir) | (environment or {}))
    if "app" in state:
        database(state["app"]).dispose()
    if result.exit_code != 0:
        raise AssertionError(f"appstore-registry {' '.join(args)} failed ({result.exit_code}):\n"
                             f"{result.output}{result.stderr}") from result.exception
    return result.stdout


@contextmanager
def running(server: RegistryServer) -> Iterator[RegistryServer]:
    """The server started, and always stopped afterwards."""
    server.start()
    try:
        yield server
    finally:
        server.stop()


def artifact_files(data_dir: Path) -> list[Path]:
    """Files in the artifact store, except the lock files that stay by design."""
    root = data_dir / "artifacts"
    locks = root / ".staging" / "locks"
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_relative_to(locks))
