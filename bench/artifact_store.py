"""The artifact store's streams, and packages served from them.

Usage (from the repository root)::

    .venv/bin/python bench/artifact_store.py [--megabytes 8] [--rounds 5] [--store-url s3://bucket/prefix]

Everything in a temporary folder that is removed afterwards:

1. ``FileSystemStore``: ``write`` (hash, fsync, rename) and ``open``+read of a
   blob of ``--megabytes`` MiB, in MiB/s; ``keys()`` over 2,000 small blobs. With
   ``--store-url``, that store instead (an S3 one finds its endpoint in ``AWS_*``).
2. A registry app (SQLite, file storage, or the ``--store-url`` store) with one
   published package of about ``--megabytes`` MiB, downloaded through the WSGI stack
   (Flask's test client): whole (``200``), a 1 MiB range (``206``), and
   ``If-None-Match`` (``304``), in ms. With an S3 store also as a presigned download
   (``DOWNLOAD_REDIRECT=presigned``): the registry's ``307`` alone, and the ``307``
   followed by a plain HTTP client fetching the address from the store.

Prints the median of ``--rounds`` rounds per figure.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from registry.db import database  # noqa: E402
from registry.models import Base  # noqa: E402
from registry.services.organisations import OrganisationService  # noqa: E402
from registry.services.tokens import TokenService  # noqa: E402
from registry.storage import ArtifactStore, FileSystemStore, open_store  # noqa: E402
from tests import factories  # noqa: E402

MiB = 1024 * 1024


def median_seconds(rounds: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def store_figures(store: ArtifactStore, megabytes: int, rounds: int) -> None:
    data = os.urandom(megabytes * MiB)
    key = store.write(io.BytesIO(data)).key
    write = median_seconds(rounds, lambda: store.write(io.BytesIO(data)))

    def read_all() -> None:
        with store.open(key) as source:
            while source.read(64 * 1024):
                pass

    read = median_seconds(rounds, read_all)
    for n in range(2000):
        store.write(io.BytesIO(f"image {n}".encode()))
    listing = median_seconds(rounds, lambda: sum(1 for _ in store.keys()))
    print(f"store write {megabytes} MiB: {megabytes / write:.0f} MiB/s ({write * 1000:.0f} ms)")
    print(f"store read  {megabytes} MiB: {megabytes / read:.0f} MiB/s ({read * 1000:.0f} ms)")
    print(f"store keys() over 2001 blobs: {listing * 1000:.0f} ms")


def download_figures(folder: Path, megabytes: int, rounds: int, store_url: str | None) -> None:
    from registry.app import create_app

    app = create_app({"DATA_DIR": str(folder / "data"), "SECRET_KEY": "bench", "LOAD_INSTALLED_PLUGINS": False,
                      "MAX_UPLOAD_BYTES": (megabytes + 2) * MiB, "STORAGE_URL": store_url or ""})
    Base.metadata.create_all(database(app).engine)
    with database(app).session() as session:
        organisation = OrganisationService(session).create("dimpact", "Dimpact", "cooperation")
        session.flush()
        _, token = TokenService(session).create(organisation)
        session.commit()
    archive = factories.package(**{"assets/payload.bin": os.urandom(megabytes * MiB)})
    client = app.test_client()
    answer = client.post("/api/v1/releases", data={"package": (io.BytesIO(archive), "app.tar.gz")},
                         headers={"Authorization": f"Bearer {token}"}, content_type="multipart/form-data")
    if answer.status_code != 201:
        raise SystemExit(f"publish failed: {answer.status_code} {answer.get_data(as_text=True)[:500]}")
    url = "/api/v1/apps/zaakafhandelcomponent/releases/1.4.0/package"
    etag = client.get(url).headers["ETag"]
    size = len(archive) / MiB
    whole = median_seconds(rounds, lambda: client.get(url).data)
    part = median_seconds(rounds, lambda: client.get(url, headers={"Range": f"bytes={MiB}-{2 * MiB - 1}"}).data)
    cached = median_seconds(rounds, lambda: client.get(url, headers={"If-None-Match": etag}))
    print(f"download {size:.1f} MiB (200): {whole * 1000:.0f} ms ({size / whole:.0f} MiB/s)")
    print(f"download 1 MiB range (206): {part * 1000:.0f} ms")
    print(f"not modified (304): {cached * 1000:.1f} ms")
    if store_url and store_url.startswith("s3://"):
        app.config["DOWNLOAD_REDIRECT"] = "presigned"  # read per request, so the same app serves both ways

        def redirected() -> bytes:
            address = client.get(url).headers["Location"]
            with urllib.request.urlopen(address, timeout=60) as answer:
                return answer.read()

        moved = median_seconds(rounds, lambda: client.get(url))
        fetched = median_seconds(rounds, redirected)
        print(f"presigned: redirect (307) {moved * 1000:.1f} ms; redirect and fetch from the store "
              f"{fetched * 1000:.0f} ms ({size / fetched:.0f} MiB/s)")
    database(app).dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--store-url", help="measure this store (e.g. s3://bucket/prefix) instead of a file store")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="appstore-bench-") as folder:
        store = open_store(args.store_url) if args.store_url else FileSystemStore(Path(folder) / "store")
        store_figures(store, args.megabytes, args.rounds)
        download_figures(Path(folder), args.megabytes, args.rounds, args.store_url)


if __name__ == "__main__":
    main()
