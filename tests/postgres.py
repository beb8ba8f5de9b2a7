"""A throwaway PostgreSQL server for tests: initdb, pg_ctl, a database per test,
empty or copied from a template that holds the models' schema.

PostgreSQL refuses to run as root, so when the tests run as root (as CI does)
the server runs as the ``postgres`` system user.
"""

from __future__ import annotations

import getpass
import os
import pwd
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path

import psycopg

SUPERUSER = "appstore"


def find_bindir() -> Path | None:
    """Where initdb and pg_ctl live: on PATH, per pg_config, or Debian's layout."""
    for tool in ("pg_ctl", "initdb"):
        found = shutil.which(tool)
        if found:
            return Path(os.path.realpath(found)).parent
    pg_config = shutil.which("pg_config")
    if pg_config:
        bindir = Path(subprocess.run([pg_config, "--bindir"], capture_output=True, text=True).stdout.strip())
        if (bindir / "pg_ctl").exists():
            return bindir
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), reverse=True)
    return versions[0].parent if versions else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    """One server for the test session; ``create_database`` gives each test its own."""

    def __init__(self, bindir: Path, base: Path) -> None:
        self.bindir = bindir
        self.base = base
        self.data = base / "data"
        self.port = _free_port()
        self.run_as = "postgres" if os.geteuid() == 0 else None

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {result.stderr or result.stdout}")

    def start(self) -> None:
        self.base.mkdir(parents=True, exist_ok=True)
        if self.run_as:
            user = pwd.getpwnam(self.run_as)
            os.chown(self.base, user.pw_uid, user.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8" if _has_c_utf8() else "--locale=C")
        self._start_server()

    def _start_server(self) -> None:
        # Durability is not under test here: skip fsync to keep tests fast.
        options = (f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.base / "server.log"),
                  "-w", "start")

    def restart(self, down: float = 0.0) -> None:
        """Restart the server as an operator would (``pg_ctl stop -m fast``: sessions are
        ended, their connections dropped), after ``down`` seconds without a server."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        time.sleep(down)
        self._start_server()

    def stop(self) -> None:
        if not (self.data / "postmaster.pid").exists():
            return
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _admin(self) -> psycopg.Connection:
        return psycopg.connect(host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True)

    def create_database(self, template: str | None = None, name: str | None = None) -> str:
        """A new database, empty or a copy of ``template`` (which nobody may be connected to),
        named ``name`` or a fresh name. FILE_COPY copies the template's few files at once: for
        a small database it is several times faster than the default, which writes every block
        to the WAL."""
        name = name or f"test_{uuid.uuid4().hex[:12]}"
        copy = f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"{copy}')
        return name

    def drop_database(self, name: str) -> None:
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _has_c_utf8() -> bool:
    try:
        out = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.lower()
    except FileNotFoundError:
        return False
    return "c.utf8" in out or "c.utf-8" in out


def current_user() -> str:
    return getpass.getuser()
