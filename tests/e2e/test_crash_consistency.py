"""A server killed in the middle of concurrent publishes leaves a consistent registry.

The store puts the artifact in place before the database commits, so a crash
can leave a file that no release points at (an orphan, which ``fsck --repair``
removes) but never a release without its file, and never half a file.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path

import pytest
import requests

from sdk.versions import sort_key
from tests import factories
from tests.e2e.server import RegistryServer

pytestmark = pytest.mark.e2e

APP_ID = "zaakafhandelcomponent"
PUBLISHES = 20
KILL_AFTER_CREATED = 4  # enough commits to have happened, many still in flight
PAYLOAD_BYTES = 2 * 1024 * 1024  # random, so that receiving and hashing take time
TIMEOUT = 120


def big_package(version: str) -> bytes:
    """A valid package with an incompressible payload (it stays under the ratio limit)."""
    return factories.package(factories.manifest(version=version), **{"assets__payload.bin": os.urandom(PAYLOAD_BYTES)})


def publish(api: str, token: str, archive: bytes) -> int:
    response = requests.post(f"{api}/releases", files={"package": ("package.tar.gz", archive)},
                             headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT)
    return response.status_code


def publish_and_kill(server: RegistryServer, archives: dict[str, bytes]) -> dict[str, int | None]:
    """Fire every publish at once; SIGKILL the server group after a few have succeeded.

    Returns each version's status code, ``None`` where no answer came.
    """
    with ThreadPoolExecutor(max_workers=len(archives)) as pool:
        futures: dict[Future[int], str] = {
            pool.submit(publish, server.api, server.token, archive): version
            for version, archive in archives.items()
        }
        pending = set(futures)
        created = 0
        while pending and created < KILL_AFTER_CREATED:
            done, pending = wait(pending, timeout=TIMEOUT, return_when=FIRST_COMPLETED)
            assert done, f"no publish finished within {TIMEOUT}s:\n{server.log_tail()}"
            created += sum(1 for f in done if not f.exception() and f.result() == 201)
        server.kill()
        outcomes: dict[str, int | None] = {}
        for future, version in futures.items():
            outcomes[version] = None if future.exception(timeout=TIMEOUT) else future.result()
    return outcomes


def download(server: RegistryServer, version: str) -> bytes:
    response = requests.get(f"{server.api}/apps/{APP_ID}/releases/{version}/package", timeout=TIMEOUT)
    assert response.status_code == 200, (version, response.text)
    return response.content


def test_sigkill_during_concurrent_publishes_leaves_a_consistent_registry(tmp_path: Path) -> None:
    server = RegistryServer(tmp_path / "data", workers=2)
    server.setup("dimpact")
    archives = {f"1.0.{i}": big_package(f"1.0.{i}") for i in range(PUBLISHES)}
    digests = {hashlib.sha256(a).hexdigest(): v for v, a in archives.items()}

    server.start()
    try:
        outcomes = publish_and_kill(server, archives)
    finally:
        server.stop()
    created = sorted(v for v, status in outcomes.items() if status == 201)
    assert len(created) >= KILL_AFTER_CREATED
    assert None in outcomes.values(), "every publish was answered: the kill came too late to test anything"

    before = server.fsck()
    assert before["missing"] == [] and before["corrupt"] == [], before
    # An orphan is an artifact of a publish that never committed: never of a 201.
    assert set(before["orphans"]) <= set(digests)
    assert not {digests[d] for d in before["orphans"]} & set(created)

    server.start()
    try:
        app = requests.get(f"{server.api}/apps/{APP_ID}", timeout=TIMEOUT).json()
        versions = {r["version"] for r in app["releases"]}
        # A publish may have committed with its answer lost in the kill, never the reverse.
        assert set(created) <= versions <= set(archives)
        assert app["latestVersion"] == max(versions, key=sort_key)
        for version in versions:
            assert download(server, version) == archives[version]

        repaired = server.fsck("--repair")
        assert set(repaired["repaired"]) >= set(before["orphans"])
        after = server.fsck()
        assert after["clean"], after
        assert after["checked"] == len(versions)
        for version in created:
            assert download(server, version) == archives[version]
    finally:
        server.stop()
