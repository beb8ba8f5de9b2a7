"""Every failed operation of an artifact store is counted once in ``appstore_storage_errors``,
by operation, by the store that ``open_store`` builds: callers count nothing themselves."""

from __future__ import annotations

import hashlib
import io
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from prometheus_client import REGISTRY

from registry.db import database
from registry.extensions import STORE
from registry.storage import ArtifactStore, open_store
from tests import factories
from tests.conftest import add_organisation, make_app
from tests.registry.test_publish_api import publish

KEY = hashlib.sha256(b"a package").hexdigest()
OPERATIONS: dict[str, Callable[[ArtifactStore], object]] = {
    "open": lambda store: store.open(KEY),
    "write": lambda store: store.write(io.BytesIO(b"a package")),
    "stat": lambda store: store.stat(KEY),
    "keys": lambda store: list(store.keys()),
    "delete": lambda store: store.delete(KEY),
    "lock": lambda store: store.lock(KEY).__enter__(),
    "unfinished_writes": lambda store: store.unfinished_writes(),
    "discard_unfinished": lambda store: store.discard_unfinished("1700000000-0123456789abcdef"),
}


def counts() -> dict[str, float]:
    operations = [*OPERATIONS, "exists", "ready", "read", "download_url"]
    return {op: REGISTRY.get_sample_value("appstore_storage_errors_total", {"operation": op}) or 0.0
            for op in operations}


def counted_while(work: Callable[[], object]) -> dict[str, float]:
    """What ``work`` added to the counts, by operation."""
    before = counts()
    work()
    return {op: n - before[op] for op, n in counts().items() if n != before[op]}


def failing(operation: Callable[[], object]) -> Callable[[], None]:
    def attempt() -> None:
        with pytest.raises(Exception):  # noqa: B017, PT011  (whatever the backend raises; the count is the subject)
            operation()
    return attempt


def test_each_operation_of_a_broken_file_store_counts_once(tmp_path: Path) -> None:
    root = tmp_path / "artifacts"
    store = open_store(str(root))
    shutil.rmtree(root)
    root.write_bytes(b"a file where the folder was")  # every path below it fails
    for name, operation in OPERATIONS.items():
        assert counted_while(failing(lambda op=operation: op(store))) == {name: 1}, name  # type: ignore[misc]
    assert counted_while(lambda: store.ready() is False) == {"ready": 1}


def test_each_operation_on_a_missing_bucket_counts_once(seaweedfs: str) -> None:
    store = open_store(f"s3://no-such-bucket-{secrets.token_hex(4)}/blobs")
    for name in ("open", "stat", "keys", "unfinished_writes"):  # SeaweedFS makes a bucket to write in
        assert counted_while(failing(lambda op=OPERATIONS[name]: op(store))) == {name: 1}, name  # type: ignore[misc]
    assert counted_while(lambda: store.ready()) == {"ready": 1}


def test_a_failed_publish_and_a_lost_blob_count_once(tmp_path: Path, sqlite_schema_url: str) -> None:
    app: Flask = make_app(tmp_path / "data", sqlite_schema_url, with_schema=True)
    try:
        client = app.test_client()
        archive = factories.package()
        assert publish(client, add_organisation(app, "dimpact"), archive).status_code == 201
        app.extensions[STORE].delete(hashlib.sha256(archive).hexdigest())
        lost = counted_while(lambda: client.get("/api/v1/apps/zaakafhandelcomponent/releases/1.4.0/package"))
        assert lost == {"stat": 1}
        again = factories.package(factories.manifest(version="1.5.0"))
        shard = Path(app.config["DATA_DIR"]) / "artifacts" / hashlib.sha256(again).hexdigest()[:2]
        shard.write_bytes(b"")  # a file where the write's folder must go
        refused = counted_while(lambda: publish(client, add_organisation(app, "dimpact"), again))
        assert refused == {"write": 1}
    finally:
        database(app).dispose()
