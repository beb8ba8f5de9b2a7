"""A registry as it runs at scale, on one machine: PostgreSQL, SeaweedFS (S3) and several
registry server processes on one database and one bucket, for fault tests and benchmarks.

The parts are the tests' own (``PostgresServer``, ``SeaweedFS``, ``RegistryServer``); the
cluster only wires them together and offers the faults: kill or restart a server, stop
or start the object store, restart the database.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from tests.e2e.server import RegistryServer
from tests.postgres import PostgresServer
from tests.registry.seaweedfs import BUCKET, SeaweedFS


class Cluster:
    """``servers`` registry processes of ``workers`` gunicorn workers each, sharing a fresh
    database on ``postgres`` and a fresh prefix of the bucket on ``seaweedfs``."""

    def __init__(self, folder: Path, postgres: PostgresServer, seaweedfs: SeaweedFS, *, servers: int = 2,
                 workers: int = 2, environment: dict[str, str] | None = None, template: str | None = None) -> None:
        """``template``: a database with the schema to copy (tests have one), so that ``init``
        finds nothing to migrate; without it ``init`` migrates an empty database."""
        self.postgres = postgres
        self.seaweedfs = seaweedfs
        self.database = postgres.create_database(template)
        self.storage_url = f"s3://{BUCKET}/cluster-{secrets.token_hex(4)}"
        # What makes them one registry: the database, the bucket, and the key that signs sessions.
        shared = {"APPSTORE_DATABASE_URL": self.database_url, "APPSTORE_STORAGE_URL": self.storage_url,
                  "APPSTORE_SECRET_KEY": secrets.token_hex(32), **seaweedfs.environment(), **(environment or {})}
        self.servers = [RegistryServer(folder / f"server-{n}", workers=workers, environment=shared)
                        for n in range(servers)]
        self.token = ""

    @property
    def urls(self) -> list[str]:
        return [server.url for server in self.servers]

    @property
    def database_url(self) -> str:
        return self.postgres.url(self.database)

    def setup(self, organisation: str = "dimpact") -> str:
        """Migrate the database and make ``organisation`` with a token (through the first server's
        command line: they share the database); the token, kept for every server."""
        return self.use_token(self.servers[0].setup(organisation))

    def use_token(self, token: str) -> str:
        """Publish with ``token`` (made another way than ``setup``: tests make it in-process)."""
        self.token = token
        for server in self.servers:
            server.data_dir.mkdir(parents=True, exist_ok=True)
            server.token = token
        return token

    def start(self) -> None:
        """Start every server at once, as a deployment would, and wait until each answers."""
        with ThreadPoolExecutor(len(self.servers)) as starting:
            list(starting.map(RegistryServer.start, self.servers))

    def stop(self) -> None:
        for server in self.servers:
            server.stop()

    def kill_all(self) -> None:
        """Kill every server at once: the quick end of a test, whose data is thrown away."""
        for server in self.servers:
            server.kill()

    def kill(self, index: int) -> None:
        """SIGKILL server ``index`` (its master and workers), as a lost host would go."""
        self.servers[index].kill()

    def restart(self, index: int) -> None:
        """Start server ``index`` again after a kill or stop (on a new port)."""
        self.servers[index].start()

    def stop_storage(self, *, kill: bool = False) -> None:
        """Stop the object store, gracefully or (``kill``) at once, as a crash would."""
        if kill:
            self.seaweedfs.kill()
        else:
            self.seaweedfs.stop()

    def start_storage(self) -> None:
        self.seaweedfs.start()

    def restart_database(self, down: float = 0.0) -> None:
        """Restart PostgreSQL under the running servers, ``down`` seconds without it."""
        self.postgres.restart(down)

    def drop(self) -> None:
        """Drop the cluster's database (the servers must be stopped)."""
        self.postgres.drop_database(self.database)


@contextmanager
def running_cluster(cluster: Cluster) -> Iterator[Cluster]:
    """The cluster set up (unless it has a token already) and started; its servers always
    killed and its database dropped after."""
    try:
        if not cluster.token:
            cluster.setup()
        cluster.start()
        yield cluster
    finally:
        cluster.kill_all()
        cluster.drop()
