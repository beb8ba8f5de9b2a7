"""A real SeaweedFS that cannot place another object is a full store: 507, nothing half-written.

SeaweedFS has no error code for it; its S3 gateway answers ``InternalError`` (500) when
no volume takes data and none can be added. This SeaweedFS may make one volume of 1 MB,
so a few writes fill it (the session's server has room for gigabytes, and stays as it is).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from registry.errors import StorageFull
from registry.s3_settings import S3ClientSettings
from registry.s3_store import S3Store
from registry.storage import ArtifactStore, open_store
from tests.conftest import make_app
from tests.registry.seaweedfs import BUCKET, SeaweedFS
from tests.registry.stores import unwrapped
from tests.registry.test_s3_full import LARGE, assert_a_publish_is_507_and_claims_nothing

pytestmark = pytest.mark.slow  # a server of its own: a few seconds to start
#: One try per call: a refused write is not worth the back-off of retries in a test.
ONE_TRY = S3ClientSettings(max_attempts=1)
FILLER = 256 * 1024  # bytes per blob written until the one volume is full
MAX_FILLERS = 40  # 10 MB: far more than the volume holds, so a store that never refuses fails the test


@pytest.fixture(scope="module")
def full_seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedFS]:
    """A SeaweedFS whose one volume of 1 MB is full: its next write finds no room."""
    server = SeaweedFS(tmp_path_factory.mktemp("seaweedfs-full"), volume_size_mb=1, volumes=1)
    server.start()
    try:
        store = store_on(server, "filler")
        with pytest.raises(StorageFull):
            for _ in range(MAX_FILLERS):
                store.write(io.BytesIO(os.urandom(FILLER)))
        yield server
    finally:
        server.kill()  # nothing in it is kept


def store_on(server: SeaweedFS, prefix: str) -> ArtifactStore:
    """A store in ``server``'s bucket (the session's AWS variables name another server)."""
    with pytest.MonkeyPatch.context() as environment:
        for name, value in server.environment().items():
            environment.setenv(name, value)
        return open_store(f"s3://{BUCKET}/{prefix}", ONE_TRY)


@pytest.mark.parametrize("blob", [b"a small package", LARGE], ids=["one-put", "multipart"])
def test_a_write_seaweedfs_cannot_place_is_storage_full_and_leaves_nothing(full_seaweedfs: SeaweedFS,
                                                                          blob: bytes) -> None:
    store = store_on(full_seaweedfs, f"blobs-{len(blob)}")
    with pytest.raises(StorageFull) as refused:
        store.write(io.BytesIO(blob))
    s3 = unwrapped(store)
    assert isinstance(s3, S3Store)
    answer = refused.value.__cause__.response  # type: ignore[union-attr]
    assert (answer["Error"]["Code"], answer["ResponseMetadata"]["HTTPStatusCode"]) == ("InternalError", 500)
    assert list(store.keys()) == []
    assert s3.unfinished_writes(older_than=-60) == []  # no multipart upload or staging object left


def test_a_publish_into_a_full_seaweedfs_is_507_and_claims_nothing(full_seaweedfs: SeaweedFS, tmp_path: Path,
                                                                   sqlite_schema_url: str) -> None:
    with pytest.MonkeyPatch.context() as environment:
        for name, value in full_seaweedfs.environment().items():
            environment.setenv(name, value)
        app: Flask = make_app(tmp_path / "data", sqlite_schema_url, with_schema=True,
                              STORAGE_URL=f"s3://{BUCKET}/publish", S3_MAX_ATTEMPTS=1)
    assert_a_publish_is_507_and_claims_nothing(app)
