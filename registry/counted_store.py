"""Every failure of an artifact store's operations, counted in one place.

``open_store`` wraps the backend it builds in a ``CountedStore``: each operation
that fails adds one to ``appstore_storage_errors`` under the operation's name
(``open``, ``write``, ``stat``, ``exists``, ``keys``, ``delete``, ``lock``,
``unfinished_writes``, ``discard_unfinished``, ``download_url``, ``read`` for a
stream that breaks off, ``ready`` for a store that is not ready), so callers never
count for themselves. A key that is not a key (``ValueError``) and bytes that hash
otherwise than promised (``DigestMismatch``) are the caller's mistakes, not the store's.
A blob the database names but the store lacks (``FileNotFoundError`` from ``open`` or
``stat``) is counted: the registry only asks for blobs it knows.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any, BinaryIO, cast

from registry import metrics
from registry.storage import STALE_AFTER, ArtifactStore, BlobStat, StoredBlob


@contextmanager
def counted(operation: str) -> Iterator[None]:
    """Count an exception of the store as a failure of ``operation``, and let it go on."""
    try:
        yield
    except ValueError:
        raise
    except Exception:
        metrics.storage_failed(operation)
        raise


class CountedStream(io.RawIOBase):
    """A blob being read; a read that fails (a dropped connection to the store) is counted."""

    def __init__(self, source: BinaryIO) -> None:
        self.source = source

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        with counted("read"):
            return self.source.read(size)

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def fileno(self) -> int:
        return self.source.fileno()  # a file's own descriptor, so that the server may use sendfile

    def close(self) -> None:
        self.source.close()
        super().close()


class CountedStore:
    """An ``ArtifactStore`` that counts the failures of the one it wraps (``inner``); anything
    else of the backend (a file store's ``staging``, an S3 store's ``client``) reads through."""

    def __init__(self, inner: ArtifactStore) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def open(self, key: str, start: int = 0, stop: int | None = None) -> BinaryIO:
        with counted("open"):  # a whole blob is asked for as before ranges, which simple stores may not know
            source = self.inner.open(key) if start == 0 and stop is None else self.inner.open(key, start, stop)
        return cast(BinaryIO, CountedStream(source))

    def write(self, source: BinaryIO, *, expected: str | None = None) -> StoredBlob:
        with counted("write"):
            return self.inner.write(source, expected=expected)

    def stat(self, key: str) -> BlobStat:
        with counted("stat"):
            return self.inner.stat(key)

    def exists(self, key: str) -> bool:
        with counted("exists"):
            return self.inner.exists(key)

    def keys(self, prefix: str = "") -> Iterator[str]:
        with counted("keys"):
            yield from self.inner.keys(prefix)

    def delete(self, key: str) -> None:
        with counted("delete"):
            self.inner.delete(key)

    @contextmanager
    def lock(self, key: str) -> Iterator[None]:
        with ExitStack() as held:
            with counted("lock"):  # taking the lock; what the caller does under it is not the store's
                held.enter_context(self.inner.lock(key))
            yield

    def unfinished_writes(self, older_than: float = STALE_AFTER) -> list[str]:
        with counted("unfinished_writes"):
            return self.inner.unfinished_writes(older_than)

    def discard_unfinished(self, name: str) -> None:
        with counted("discard_unfinished"):
            self.inner.discard_unfinished(name)

    def ready(self) -> bool:
        answer = self.inner.ready()
        if not answer:
            metrics.storage_failed("ready")
        return answer

    def download_url(self, key: str, *, seconds: int, content_type: str, disposition: str | None) -> str | None:
        with counted("download_url"):
            return self.inner.download_url(key, seconds=seconds, content_type=content_type, disposition=disposition)


def _is_store(store: CountedStore) -> ArtifactStore:
    return store  # mypy checks here that a CountedStore is an ArtifactStore

