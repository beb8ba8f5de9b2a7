"""The artifact-store contract, for every backend in ``tests.registry.stores.BACKENDS``:
keys not paths, streams in and out, atomic hashed writes, stat, listing by prefix, delete,
locks, and the unfinished writes that fsck clears. And how a store is chosen by its URL."""

from __future__ import annotations

import hashlib
import io
import threading
import typing
import urllib.request
from datetime import UTC
from pathlib import Path

import pytest
from click.testing import CliRunner

from registry.cli import main
from registry.errors import ConfigurationError, StorageFull
from registry.s3_store import S3Store
from registry.storage import ArtifactStore, DigestMismatch, FileSystemStore, full_disk_refused, open_store
from tests.registry.stores import BACKENDS, Backend, unwrapped

PACKAGE = b"\x1f\x8b" + bytes(range(256)) * 40  # every byte value, so nothing is changed on the way


def key_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(params=BACKENDS, ids=[b.name for b in BACKENDS])
def backend(request: pytest.FixtureRequest) -> Backend:
    return request.param


@pytest.fixture
def store(backend: Backend, tmp_path: Path, request: pytest.FixtureRequest) -> ArtifactStore:
    if backend.server:
        request.getfixturevalue(backend.server)
    return backend.open(tmp_path)


def read(store: ArtifactStore, key: str) -> bytes:
    with store.open(key) as source:
        return source.read()


class FailingSource(io.RawIOBase):
    """Gives some bytes, then fails as a dropped connection or a full disk would."""

    def __init__(self, data: bytes, error: BaseException) -> None:
        self.data, self.error, self.given = data, error, False

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self.given:
            raise self.error
        self.given = True
        return self.data


def nothing_visible(store: ArtifactStore) -> bool:
    return list(store.keys()) == [] and store.unfinished_writes(older_than=0) == []


def test_a_write_is_stored_under_its_sha256_and_reads_back_as_a_stream(store: ArtifactStore) -> None:
    written = store.write(io.BytesIO(PACKAGE))
    assert (written.key, written.size) == (key_of(PACKAGE), len(PACKAGE))
    assert store.exists(written.key)
    with store.open(written.key) as source:
        assert source.read(2) == b"\x1f\x8b"  # a binary file-like object, read in parts
        assert source.read() == PACKAGE[2:]
    stat = store.stat(written.key)
    assert stat.size == len(PACKAGE)
    assert stat.modified.tzinfo is not None and stat.modified.utcoffset() == UTC.utcoffset(None)


def test_the_same_bytes_twice_are_one_blob(store: ArtifactStore) -> None:
    assert store.write(io.BytesIO(PACKAGE)) == store.write(io.BytesIO(PACKAGE), expected=key_of(PACKAGE))
    assert list(store.keys()) == [key_of(PACKAGE)]
    assert read(store, key_of(PACKAGE)) == PACKAGE


def test_a_blob_of_many_megabytes_is_streamed_and_checked_whole(store: ArtifactStore) -> None:
    large = bytes(range(256)) * (36 * 1024 + 1)  # 9 MiB and a bit: more than one part of an upload
    with pytest.raises(DigestMismatch):
        store.write(io.BytesIO(large), expected=key_of(PACKAGE))
    assert nothing_visible(store)
    assert store.write(io.BytesIO(large)).size == len(large)
    assert read(store, key_of(large)) == large


def test_an_empty_blob_is_a_blob(store: ArtifactStore) -> None:
    written = store.write(io.BytesIO(b""))
    assert written.size == 0 and read(store, written.key) == b"" and store.stat(written.key).size == 0


def test_bytes_that_hash_otherwise_than_expected_are_not_stored(store: ArtifactStore) -> None:
    with pytest.raises(DigestMismatch):
        store.write(io.BytesIO(b"tampered in transit"), expected=key_of(PACKAGE))
    assert nothing_visible(store)


@pytest.mark.parametrize("error", [ConnectionResetError("client went away"), KeyboardInterrupt()],
                         ids=["dropped-connection", "interrupted"])
def test_a_write_that_fails_halfway_leaves_nothing(store: ArtifactStore, error: BaseException) -> None:
    with pytest.raises(type(error)):
        store.write(FailingSource(PACKAGE[:100], error))  # type: ignore[arg-type]
    assert nothing_visible(store)


def test_a_full_store_is_storage_full_and_leaves_nothing(store: ArtifactStore) -> None:
    with pytest.raises(StorageFull):
        with full_disk_refused():
            store.write(FailingSource(PACKAGE[:100], OSError(28, "No space left on device")))  # type: ignore[arg-type]
    assert nothing_visible(store)


def test_no_reader_sees_a_blob_before_its_write_is_complete(store: ArtifactStore) -> None:
    seen_during_write = []

    class Watched(io.RawIOBase):
        chunks = [PACKAGE[:10], PACKAGE[10:]]

        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            seen_during_write.append(store.exists(key_of(PACKAGE)) or list(store.keys()) != [])
            return self.chunks.pop(0) if self.chunks else b""

    store.write(Watched())  # type: ignore[arg-type]
    assert seen_during_write and not any(seen_during_write)
    assert store.exists(key_of(PACKAGE))


def test_a_range_of_a_blob_reads_just_those_bytes(store: ArtifactStore) -> None:
    key = store.write(io.BytesIO(PACKAGE)).key
    for start, stop in ((10, 100), (0, 1), (len(PACKAGE) - 16, len(PACKAGE)), (7, 7)):
        with store.open(key, start, stop) as source:
            assert source.read() == PACKAGE[start:stop], (start, stop)
    with store.open(key, 100) as source:  # to the end
        assert source.read(5) == PACKAGE[100:105] and source.read() == PACKAGE[105:]
    with pytest.raises(FileNotFoundError):
        store.open(key_of(b"never stored"), 0, 10)
    with pytest.raises(FileNotFoundError):
        store.open(key_of(b"never stored"), 3, 3)
    for start, stop in ((-1, 10), (10, 9)):
        with pytest.raises(ValueError, match="range"):
            store.open(key, start, stop)


def test_a_download_address_is_the_store_s_to_give_or_none(store: ArtifactStore, backend: Backend) -> None:
    key = store.write(io.BytesIO(PACKAGE)).key
    address = store.download_url(key, seconds=60, content_type="application/gzip",
                                 disposition="attachment; filename=app-1.0.0.tar.gz")
    if backend.name == "file":
        assert address is None  # a file has no address: the registry sends it
        return
    assert address is not None
    with urllib.request.urlopen(address, timeout=30) as answer:  # anyone with the address, no credentials
        assert answer.read() == PACKAGE
        assert answer.headers["Content-Type"] == "application/gzip"
        assert answer.headers["Content-Disposition"] == "attachment; filename=app-1.0.0.tar.gz"


def test_a_missing_blob_is_file_not_found_and_deleting_it_is_harmless(store: ArtifactStore) -> None:
    missing = key_of(b"never stored")
    assert not store.exists(missing)
    with pytest.raises(FileNotFoundError):
        store.open(missing)
    with pytest.raises(FileNotFoundError):
        store.stat(missing)
    store.delete(missing)


def test_delete_removes_the_blob(store: ArtifactStore) -> None:
    key = store.write(io.BytesIO(PACKAGE)).key
    store.delete(key)
    assert not store.exists(key) and list(store.keys()) == []


def test_keys_are_listed_in_order_and_by_prefix(store: ArtifactStore) -> None:
    keys = sorted(store.write(io.BytesIO(f"blob {n}".encode())).key for n in range(12))
    assert list(store.keys()) == keys
    assert list(store.keys(keys[3])) == [keys[3]]
    for prefix in (keys[5][:1], keys[5][:3], keys[5][:5]):
        assert list(store.keys(prefix)) == [k for k in keys if k.startswith(prefix)]
    assert list(store.keys("f" * 64 if "f" * 64 not in keys else "0" * 64)) == []


@pytest.mark.parametrize("key", ["../../etc/passwd", "A" * 64, "a" * 63, "a" * 65, "", "ab/cd", "g" * 64],
                         ids=["traversal", "upper-case", "short", "long", "empty", "slash", "not-hex"])
def test_anything_but_a_sha256_is_refused_as_a_key(store: ArtifactStore, key: str) -> None:
    for use in (store.open, store.stat, store.exists, store.delete):
        with pytest.raises(ValueError, match="sha256"):
            use(key)
    with pytest.raises(ValueError, match="sha256"):
        store.write(io.BytesIO(PACKAGE), expected=key)


@pytest.mark.parametrize("prefix", ["../", "A", "a" * 65, "ab/"])
def test_a_prefix_that_no_key_can_start_with_is_refused(store: ArtifactStore, prefix: str) -> None:
    with pytest.raises(ValueError, match="sha256"):
        list(store.keys(prefix))


def test_unfinished_writes_are_listed_once_old_and_can_be_discarded(store: ArtifactStore, backend: Backend) -> None:
    old = backend.interrupt_write(store, 2 * 3600)
    fresh = backend.interrupt_write(store, 0)
    assert store.unfinished_writes() == [old]
    assert list(store.keys()) == []  # never visible as a blob
    for not_a_write in ("../artifacts", "locks", ".", "", key_of(PACKAGE)):
        store.discard_unfinished(not_a_write)  # never anything but an unfinished write
    store.discard_unfinished(old)
    assert store.unfinished_writes() == []
    assert store.unfinished_writes(older_than=-60) == [fresh]


def test_a_lock_keeps_others_out_until_it_is_released(store: ArtifactStore) -> None:
    key = key_of(PACKAGE)
    inside = threading.Event()

    def other() -> None:
        with store.lock(key):
            inside.set()

    with store.lock(key):
        thread = threading.Thread(target=other)
        thread.start()
        assert not inside.wait(0.3)  # still outside while this one holds the lock
    thread.join(timeout=30)
    assert inside.is_set()


def test_the_interface_never_speaks_of_filesystem_paths() -> None:
    for name in ("open", "write", "stat", "exists", "keys", "delete", "lock", "unfinished_writes",
                 "discard_unfinished"):
        hints = typing.get_type_hints(getattr(ArtifactStore, name))
        assert not any("Path" in repr(h) for h in hints.values()), name


def test_a_storage_url_of_no_known_backend_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="APPSTORE_STORAGE_URL='ftp://example.org/artifacts'"):
        open_store("ftp://example.org/artifacts")
    assert isinstance(unwrapped(open_store(f"file://{tmp_path}/artifacts")), FileSystemStore)
    assert isinstance(unwrapped(open_store(str(tmp_path / "elsewhere"))), FileSystemStore)


def test_an_s3_url_names_the_bucket_and_prefix_and_a_missing_bucket_is_not_ready(seaweedfs: str) -> None:
    store = unwrapped(open_store("s3://artifacts/registry/blobs/"))
    assert isinstance(store, S3Store) and (store.bucket, store.base) == ("artifacts", "registry/blobs/")
    assert store.ready()
    assert not S3Store("no-such-bucket").ready()
    with pytest.raises(ConfigurationError, match="s3://bucket/prefix"):
        open_store("s3:///no-bucket")


def test_the_admin_command_says_which_setting_is_wrong(tmp_path: Path) -> None:
    environment = {"APPSTORE_DATA_DIR": str(tmp_path), "APPSTORE_STORAGE_URL": "ftp://example.org/artifacts"}
    result = CliRunner().invoke(main, ["init"], env=environment)
    assert result.exit_code == 2
    assert "APPSTORE_STORAGE_URL" in result.output and "file://" in result.output
