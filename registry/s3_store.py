"""An artifact store in an S3-compatible object store (AWS S3, SeaweedFS, MinIO, Ceph).

Chosen by ``APPSTORE_STORAGE_URL=s3://bucket/prefix``; the endpoint and the
credentials come from the standard variables that boto3 reads itself
(``AWS_ENDPOINT_URL`` or ``AWS_ENDPOINT_URL_S3``, ``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_DEFAULT_REGION``); how long the client waits and how
often it tries from the registry's ``APPSTORE_S3_*`` settings (``registry.s3_settings``).
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, BinaryIO, cast

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as EndpointUnreachable

from registry.errors import StorageFull, StorageUnavailable
from registry.s3_settings import S3_DEFAULTS, S3ClientSettings
from registry.storage import (
    CHUNK,
    KEY_PREFIX,
    STALE_AFTER,
    STORAGE_FULL_MESSAGE,
    BlobStat,
    DigestMismatch,
    StoredBlob,
    check_key,
    check_range,
)

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import CompletedPartTypeDef

#: Bytes per multipart part (S3 wants at least 5 MiB for all parts but the last).
PART_SIZE = 8 * CHUNK
#: Where writes are assembled before they are copied to their key; not a key's shape.
STAGING = ".staging/"
MISSING_CODES = frozenset({"404", "NoSuchKey", "NotFound"})
#: What object stores answer when a bucket, a quota or the disks behind them are full: AWS
#: (an object over its limit), Ceph RGW (quota), MinIO (disks, bucket quota).
FULL_CODES = frozenset({"EntityTooLarge", "QuotaExceeded", "XMinioStorageFull", "XMinioAdminBucketQuotaExceeded",
                        "InsufficientStorage"})
INSUFFICIENT_STORAGE = 507
#: SeaweedFS has no code for it: a write it cannot place, because no volume takes data and
#: none can be added (all full, the volume limit reached, or the volume servers gone), is an
#: ``InternalError`` 500, the code its S3 gateway gives every failed placement of an object or
#: a part. Its answers name it in their ``Server`` header, so from SeaweedFS that code, on a
#: write, means that the store takes nothing new until its operators make room.
SEAWEEDFS_SERVER, SEAWEEDFS_NO_ROOM = "SeaweedFS", "InternalError"
#: Answers of a store (or the gateway before it) that is there but cannot serve now.
UNAVAILABLE_STATUSES = frozenset({502, 503, 504})
UNREACHABLE_MESSAGE = ("The registry's artifact store does not answer, so nothing was saved or sent. "
                       "Try again in a minute; if it persists, tell the curators.")


def s3_client(settings: S3ClientSettings = S3_DEFAULTS) -> S3Client:
    """A client configured by the standard AWS variables, waiting and retrying as ``settings``
    say; path-style addressing when an endpoint of its own is given, as S3-compatible servers
    on a host name or IP expect. A store that cannot be reached raises ``StorageUnavailable``
    (see ``_refuse_unreachable``)."""
    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    config = Config(connect_timeout=settings.connect_timeout, read_timeout=settings.read_timeout,
                    # botocore's "max_attempts" counts retries only; "total_max_attempts" counts every try.
                    retries={"total_max_attempts": settings.max_attempts, "mode": "standard"},
                    signature_version="s3v4",  # also for download addresses, which would be SigV2 otherwise
                    s3={"addressing_style": "path" if endpoint else "auto"})
    client = boto3.client("s3", endpoint_url=endpoint, config=config)
    client.meta.events.register("after-call-error.s3", _refuse_unreachable)
    client.meta.events.register("after-call.s3", _refuse_unavailable)
    return client


def _refuse_unreachable(exception: BaseException, **_: Any) -> None:
    """After the last attempt of a call failed: a refused, timed-out or dropped connection
    becomes ``StorageUnavailable`` (a 503), for every call (paginators too) in one place."""
    if isinstance(exception, EndpointUnreachable | HTTPClientError):
        raise StorageUnavailable(UNREACHABLE_MESSAGE) from exception


def _refuse_unavailable(http_response: Any, **_: Any) -> None:
    """After the last attempt of a call: a 502, 503 or 504 becomes ``StorageUnavailable``."""
    if getattr(http_response, "status_code", None) in UNAVAILABLE_STATUSES:
        raise StorageUnavailable(UNREACHABLE_MESSAGE)


@contextmanager
def missing_as_not_found(key: str) -> Iterator[None]:
    """Turn the object store's "no such object" into ``FileNotFoundError``, as the protocol says."""
    try:
        yield
    except ClientError as error:
        if str(error.response.get("Error", {}).get("Code")) in MISSING_CODES:
            raise FileNotFoundError(f"no blob {key}") from error
        raise


@contextmanager
def full_store_refused() -> Iterator[None]:
    """Turn the object store's "no room" into ``StorageFull`` (507), as a full disk is."""
    try:
        yield
    except ClientError as error:
        if _no_room(error):
            raise StorageFull(STORAGE_FULL_MESSAGE) from error
        raise


def _no_room(error: ClientError) -> bool:
    """Whether the store refused a write for want of room, by its code and status (and, for
    SeaweedFS, which says it with a general code, by who answered)."""
    code = str(error.response.get("Error", {}).get("Code"))
    answer = error.response.get("ResponseMetadata", {})
    if code in FULL_CODES or answer.get("HTTPStatusCode") == INSUFFICIENT_STORAGE:
        return True
    server = str(answer.get("HTTPHeaders", {}).get("server", ""))
    return code == SEAWEEDFS_NO_ROOM and server.split(" ", 1)[0] == SEAWEEDFS_SERVER


class S3Store:
    """Content-addressed objects: ``<prefix>/ab/cd/<sha256>`` in one bucket.

    A blob smaller than one part is read and hashed whole, then sent with one
    ``put_object`` straight to its key (S3 makes an object visible whole or not at
    all). A larger one streams, hashed on the way, as a multipart upload to
    ``<prefix>/.staging/<started>-<random>``; only when the digest is right is it
    copied to its key. A failed write aborts its upload or deletes its staging
    object. The server-side copy limits a blob to 5 GiB, far above any package.

    ``lock`` is a lock of this process only: S3 has no locks. Exclusivity across
    hosts rests on content addressing: the same key always holds the same bytes,
    so concurrent writes of one blob are idempotent.
    """

    def __init__(self, bucket: str, prefix: str = "", client: S3Client | None = None,
                 settings: S3ClientSettings = S3_DEFAULTS) -> None:
        self.bucket = bucket
        self.base = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
        self.client = client or s3_client(settings)
        self._locks = [threading.Lock() for _ in range(256)]

    def ready(self) -> bool:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (ClientError, BotoCoreError, OSError, StorageUnavailable):
            return False
        return True

    def _location(self, key: str) -> str:
        check_key(key)
        return f"{self.base}{key[:2]}/{key[2:4]}/{key}"

    def open(self, key: str, start: int = 0, stop: int | None = None) -> BinaryIO:
        check_range(start, stop)
        if stop == start:  # no byte to fetch, and S3 has no empty range; a missing blob stays missing
            self.stat(key)
            return io.BytesIO(b"")
        where = self._location(key)
        with missing_as_not_found(key):
            if start == 0 and stop is None:
                answer = self.client.get_object(Bucket=self.bucket, Key=where)
            else:
                span = f"bytes={start}-{'' if stop is None else stop - 1}"
                answer = self.client.get_object(Bucket=self.bucket, Key=where, Range=span)
        return cast(BinaryIO, answer["Body"])

    def download_url(self, key: str, *, seconds: int, content_type: str, disposition: str | None) -> str:
        params = {"Bucket": self.bucket, "Key": self._location(key), "ResponseContentType": content_type}
        if disposition is not None:
            params["ResponseContentDisposition"] = disposition
        return self.client.generate_presigned_url("get_object", Params=params, ExpiresIn=seconds)

    def write(self, source: BinaryIO, *, expected: str | None = None) -> StoredBlob:
        if expected is not None:
            check_key(expected)
        with full_store_refused():
            return self._write(source, expected)

    def _write(self, source: BinaryIO, expected: str | None) -> StoredBlob:
        digest = hashlib.sha256()
        first = _read_part(source, digest)
        if len(first) < PART_SIZE:  # all of it is here and hashed: one put, straight to its key
            key = _checked(digest, expected)
            self.client.put_object(Bucket=self.bucket, Key=self._location(key), Body=first)
            return StoredBlob(key, len(first))
        staged = f"{self.base}{STAGING}{time.time():.0f}-{secrets.token_hex(8)}"
        try:
            size = self._upload(first, source, staged, digest)
        except BaseException:
            self._forget_staged(staged)
            raise
        try:
            key = _checked(digest, expected)
            self.client.copy_object(Bucket=self.bucket, Key=self._location(key),
                                    CopySource={"Bucket": self.bucket, "Key": staged})
        finally:
            self.client.delete_object(Bucket=self.bucket, Key=staged)
        return StoredBlob(key, size)

    def _upload(self, part: bytes, source: BinaryIO, staged: str, digest: Any) -> int:
        """Send ``part`` and the rest of ``source`` to ``staged`` in a multipart upload,
        hashing into ``digest``; the size sent."""
        upload = self.client.create_multipart_upload(Bucket=self.bucket, Key=staged)["UploadId"]
        parts: list[CompletedPartTypeDef] = []
        size = 0
        try:
            while part:
                answer = self.client.upload_part(Bucket=self.bucket, Key=staged, UploadId=upload,
                                                 PartNumber=len(parts) + 1, Body=part)
                parts.append({"PartNumber": len(parts) + 1, "ETag": answer["ETag"]})
                size += len(part)
                part = _read_part(source, digest)
            self.client.complete_multipart_upload(Bucket=self.bucket, Key=staged, UploadId=upload,
                                                  MultipartUpload={"Parts": parts})
        except BaseException:
            try:
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=staged, UploadId=upload)
            except (ClientError, BotoCoreError, OSError, StorageUnavailable):
                pass  # the write's own error is the one to report; fsck lists the upload
            raise
        return size

    def _forget_staged(self, staged: str) -> None:
        """Remove what a failed write left; the write's own error is the one to report."""
        try:
            self.client.delete_object(Bucket=self.bucket, Key=staged)
        except (ClientError, BotoCoreError, OSError, StorageUnavailable):
            pass  # fsck finds it among unfinished_writes

    def stat(self, key: str) -> BlobStat:
        with missing_as_not_found(key):
            head = self.client.head_object(Bucket=self.bucket, Key=self._location(key))
        return BlobStat(head["ContentLength"], head["LastModified"], head.get("ETag"))

    def exists(self, key: str) -> bool:
        try:
            self.stat(key)
        except FileNotFoundError:
            return False
        return True

    def keys(self, prefix: str = "") -> Iterator[str]:
        if not KEY_PREFIX.fullmatch(prefix):
            raise ValueError(f"not the start of a sha256 hex digest: {prefix!r}")
        where = prefix if len(prefix) <= 2 else f"{prefix[:2]}/{prefix[2:]}" if len(prefix) <= 4 \
            else f"{prefix[:2]}/{prefix[2:4]}/{prefix}"
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket,
                                                                       Prefix=self.base + where)
        for page in pages:
            for entry in page.get("Contents", []):
                name = entry["Key"][len(self.base):]
                key = name[6:]
                if (len(name) == 70 and name[:6] == f"{key[:2]}/{key[2:4]}/" and KEY_PREFIX.fullmatch(key)
                        and len(key) == 64 and key.startswith(prefix)):
                    yield key

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._location(key))

    @contextmanager
    def lock(self, key: str) -> Iterator[None]:
        with self._locks[int(check_key(key)[:2], 16)]:
            yield

    def unfinished_writes(self, older_than: float = STALE_AFTER) -> list[str]:
        cutoff = time.time() - older_than
        return sorted(name for name, started in self._staged().items() if started < cutoff)

    def discard_unfinished(self, name: str) -> None:
        if name not in self._staged():  # only a write of staging, whatever the name says
            return
        where = f"{self.base}{STAGING}{name}"
        for upload in self._uploads():
            if upload["Key"] == where:
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=where, UploadId=upload["UploadId"])
        self.client.delete_object(Bucket=self.bucket, Key=where)

    def _uploads(self) -> Iterator[Any]:
        pages = self.client.get_paginator("list_multipart_uploads").paginate(
            Bucket=self.bucket, Prefix=self.base + STAGING)
        for page in pages:
            yield from page.get("Uploads", [])

    def _staged(self) -> dict[str, float]:
        """Writes in staging (uploads and objects) by name, with when they started (in the name)."""
        start = len(self.base + STAGING)
        names = {upload["Key"][start:] for upload in self._uploads()}
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket,
                                                                       Prefix=self.base + STAGING)
        names.update(entry["Key"][start:] for page in pages for entry in page.get("Contents", []))
        found = {}
        for name in names:
            started, _, rest = name.partition("-")
            if started.isdigit() and len(started) <= 12 and rest:
                found[name] = float(started)
        return found


def _checked(digest: Any, expected: str | None) -> str:
    """The key of what was hashed; ``DigestMismatch`` when it is not the ``expected`` one."""
    key: str = digest.hexdigest()
    if expected is not None and key != expected:
        raise DigestMismatch(f"the bytes hash to {key}, not to {expected}")
    return key


def _read_part(source: BinaryIO, digest: Any) -> bytes:
    """Up to ``PART_SIZE`` bytes of ``source``, hashed into ``digest`` as they pass."""
    chunks, size = [], 0
    while size < PART_SIZE and (chunk := source.read(min(CHUNK, PART_SIZE - size))):
        digest.update(chunk)
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)
