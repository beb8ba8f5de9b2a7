"""Faults survived under a running load of reads and publishes, with nothing lost: a
killed server of two, the object store gone for a while, PostgreSQL restarted.

One cluster (PostgreSQL, SeaweedFS, two registry servers of two workers) serves the
module's tests in turn; each test leaves it whole again.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from flask import Flask

from registry.db import database
from registry.extensions import STORE
from registry.services.fsck import FsckReport, fsck
from tests.conftest import add_organisation, make_app
from tests.e2e.cluster import Cluster, running_cluster
from tests.e2e.load import READS, Answer, MixedLoad, missing_or_wrong
from tests.e2e.server import wait_until
from tests.postgres import PostgresServer
from tests.registry.seaweedfs import SeaweedFS

pytestmark = [pytest.mark.e2e, pytest.mark.postgresql, pytest.mark.slow]

#: How long the object store stays away: the 20 s of the issue.
STORAGE_OUTAGE = 20.0
#: How long PostgreSQL stays away while it restarts.
DATABASE_OUTAGE = 3.0
WAIT = 60.0  # bound of every wait for the load to make progress; far above what it needs
METADATA = tuple(kind for kind in READS if kind != "download")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, postgres_server: PostgresServer, postgres_template: str,
            seaweedfs_server: SeaweedFS) -> Iterator[Cluster]:
    folder: Path = tmp_path_factory.mktemp("cluster")
    cluster = Cluster(folder, postgres_server, seaweedfs_server, servers=2, workers=2, template=postgres_template)
    # In this process: each command line (init, org, token) would take seconds to start.
    admin = make_app(folder / "admin", cluster.database_url, with_schema=True)
    cluster.use_token(add_organisation(admin, "dimpact"))
    database(admin).dispose()
    with running_cluster(cluster) as running:
        yield running


@pytest.fixture(scope="module")
def registry_app(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The cluster's registry in this process (its database and bucket), to check it as fsck does."""
    app = make_app(tmp_path_factory.mktemp("in-process"), cluster.database_url, with_schema=True,
                   STORAGE_URL=cluster.storage_url)
    yield app
    database(app).dispose()


def fsck_now(app: Flask) -> FsckReport:
    """fsck of the cluster, counting every claimed id without a release (no publish is in flight)."""
    with database(app).session() as session:
        return fsck(session, app.extensions[STORE], claim_grace=timedelta(0))


def acknowledged_after(load: MixedLoad, count: int) -> bool:
    """Wait until ``count`` more publishes than now were acknowledged; whether they were."""
    target = len(load.acknowledged) + count
    return wait_until(lambda: len(load.acknowledged) >= target, WAIT)


def statuses(answers: list[Answer]) -> set[int | None]:
    return {answer.status for answer in answers}


def test_a_killed_server_loses_no_acknowledged_publish_and_the_other_answers(
        cluster: Cluster, registry_app: Flask) -> None:
    with MixedLoad(cluster.urls, cluster.token, prefix="kill") as load:
        assert acknowledged_after(load, 4), "no publishes before the kill"
        cluster.kill(1)
        killed = time.monotonic()

        def survivor_answered_every_kind() -> bool:
            answered = {a.kind for a in load.between(killed, time.monotonic()) if a.server == 0}
            return answered >= {"publish", *READS}

        assert wait_until(survivor_answered_every_kind, WAIT), "the other server did not answer every kind"
        assert acknowledged_after(load, 1), "no publish acknowledged after the kill"
        end = time.monotonic()
    survivor = [a for a in load.between(killed, end) if a.server == 0]
    assert statuses(survivor) <= {200, 201}, [a for a in survivor if a.status not in (200, 201)]
    assert {a.status for a in load.between(killed, end) if a.server == 1} == {None}  # killed, it said nothing
    cluster.restart(1)
    # Back, it serves what was acknowledged by either (the store and the database are shared).
    assert missing_or_wrong(cluster.servers[1].url, load.acknowledged) == []
    # A publish killed between its write and its commit leaves at most its package's blob, which
    # no release names: an orphan that fsck --repair removes, as after any lost host.
    report = fsck_now(registry_app)
    assert (report.missing, report.corrupt, report.unreleased_claims) == ([], [], []), report
    unanswered = {key for key, (_, status) in load.sent.items() if status is None}
    assert set(report.orphans) <= unanswered, [(key, load.sent.get(key)) for key in report.orphans]
    with database(registry_app).session() as session:
        fsck(session, registry_app.extensions[STORE], repair=True, claim_grace=timedelta(0))
    assert fsck_now(registry_app).clean  # the cluster is whole again for the next test


def test_without_the_object_store_publishes_answer_503_and_nothing_is_half_written(
        cluster: Cluster, registry_app: Flask) -> None:
    url = cluster.servers[0].url
    with MixedLoad(cluster.urls, cluster.token, prefix="store") as load:
        assert acknowledged_after(load, 1), "no publishes before the store went"
        cluster.stop_storage(kill=True)
        gone = time.monotonic()
        try:
            time.sleep(STORAGE_OUTAGE / 2)
            ready = requests.get(f"{url}/readyz", timeout=30)
            time.sleep(STORAGE_OUTAGE / 2)
            back = time.monotonic()
        finally:
            cluster.start_storage()
        assert acknowledged_after(load, 1), "no publish acknowledged after the store came back"
    assert ready.status_code == 503 and ready.headers["Retry-After"]
    assert ready.json()["checks"] == {"database": "ok", "storage": "failing"}

    during = load.between(gone, back)
    publishes = [a for a in during if a.kind == "publish"]
    assert publishes and statuses(publishes) == {503}, publishes
    assert all(a.retry_after for a in publishes)
    downloads = [a for a in during if a.kind == "download"]
    assert downloads and statuses(downloads) == {503} and all(a.retry_after for a in downloads)
    metadata = [a for a in during if a.kind in METADATA]
    assert {a.kind for a in metadata} == set(METADATA) and statuses(metadata) == {200}

    assert missing_or_wrong(url, load.acknowledged) == []
    # A publish cut off as the store went may have left its blob there (the store kept it, its
    # answer was lost); the server takes it back once the store answers again.
    assert wait_until(lambda: fsck_now(registry_app).clean, WAIT, interval=0.5), \
        [(key, load.sent.get(key, "not sent by this test")) for key in fsck_now(registry_app).orphans]
    report = fsck_now(registry_app)
    assert report.clean, report  # no release without its blob, no orphan, no claim without a release
    assert report.checked >= len(load.acknowledged)


def test_a_restart_of_postgresql_answers_503_meanwhile_and_the_pool_recovers(cluster: Cluster) -> None:
    with MixedLoad(cluster.urls, cluster.token, prefix="database") as load:
        assert acknowledged_after(load, 1), "no publishes before the restart"
        restarting = time.monotonic()
        cluster.restart_database(DATABASE_OUTAGE)
        restarted = time.monotonic()
        assert acknowledged_after(load, 2), "no publish acknowledged after the restart"
        end = time.monotonic()
    during = load.between(restarting, restarted)
    assert statuses(during) <= {200, 201, 503}, [a for a in during if a.status not in (200, 201, 503)]
    assert all(a.retry_after for a in during if a.status == 503)
    after = load.between(restarted, end)
    assert statuses(after) <= {200, 201}, [a for a in after if a.status not in (200, 201)]
    assert missing_or_wrong(cluster.servers[0].url, load.acknowledged) == []
