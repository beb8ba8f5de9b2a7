"""How long ``backup`` and ``restore`` take: for the demo catalogue, and for many releases.

Usage (from the repository root)::

    .venv/bin/python bench/backup_restore.py                  # the demo catalogue
    .venv/bin/python bench/backup_restore.py --releases 1000  # 1,000 published releases more
    .venv/bin/python bench/backup_restore.py --database-url postgresql://... --restore-url postgresql://...

What it does, in a temporary folder that is removed afterwards: builds a registry
(SQLite and file storage unless URLs are given) with the demo catalogue, plus
``--releases`` releases published through the real publish path with full
verification (``--versions`` versions per app); then times ``write_backup`` into a
new folder and ``restore_backup`` into an empty database and store (which
includes fsck, that reads every blob again). Prints both with rows and bytes.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

# The package factory lives with the tests.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from registry.app import create_app  # noqa: E402
from registry.db import database  # noqa: E402
from registry.demo import load_demo  # noqa: E402
from registry.extensions import STORE  # noqa: E402
from registry.migrations import upgrade  # noqa: E402
from registry.services.backup import restore_backup, write_backup  # noqa: E402
from registry.services.organisations import OrganisationService  # noqa: E402
from registry.services.tokens import TokenService  # noqa: E402
from tests import factories  # noqa: E402


def registry(folder: Path, database_url: str, store_url: str):  # type: ignore[no-untyped-def]
    app = create_app({"DATA_DIR": str(folder), "DATABASE_URL": database_url, "STORAGE_URL": store_url,
                      "LOAD_INSTALLED_PLUGINS": False})
    return app


def publish_many(app, releases: int, versions: int) -> None:  # type: ignore[no-untyped-def]
    with database(app).session() as session:
        organisation = OrganisationService(session).find("dimpact") or \
            OrganisationService(session).create("dimpact", "Dimpact", "cooperation")
        session.flush()
        _, token = TokenService(session).create(organisation)
    client = app.test_client()
    for number in range(releases):
        manifest = factories.manifest(id=f"bench-app-{number // versions}", version=f"1.{number % versions}.0",
                                      name=f"Bench app {number // versions}")
        response = client.post("/api/v1/releases", headers={"Authorization": f"Bearer {token}"},
                               data={"package": (io.BytesIO(factories.package(manifest)), "app.tar.gz")},
                               content_type="multipart/form-data")
        if response.status_code != 201:
            raise SystemExit(f"publish {number} answered {response.status_code}: {response.get_data(as_text=True)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--releases", type=int, default=0, help="releases to publish beside the demo catalogue")
    parser.add_argument("--versions", type=int, default=10, help="versions per app of those releases")
    parser.add_argument("--database-url", default="", help="the source database (default: SQLite)")
    parser.add_argument("--restore-url", default="", help="an empty database to restore into (default: SQLite)")
    parser.add_argument("--store-url", default="", help="the source store (default: files)")
    parser.add_argument("--restore-store-url", default="", help="an empty store to restore into (default: files)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="appstore-backup-bench-") as scratch:
        base = Path(scratch)
        source = registry(base / "source", args.database_url, args.store_url)
        upgrade(source.config["DATABASE_URL"])
        for _ in load_demo(source):
            pass
        start = time.perf_counter()
        publish_many(source, args.releases, args.versions)
        print(f"published {args.releases} releases in {time.perf_counter() - start:.1f} s")

        start = time.perf_counter()
        made = write_backup(database(source), source.extensions[STORE], base / "backup")
        backup_s = time.perf_counter() - start
        target = registry(base / "restored", args.restore_url, args.restore_store_url)
        start = time.perf_counter()
        restored = restore_backup(database(target), target.extensions[STORE], base / "backup")
        restore_s = time.perf_counter() - start

        megabytes = made.artifact_bytes / 2**20
        print(f"| step | time | what |\n|---|---|---|\n"
              f"| backup | {backup_s:.2f} s | {made.rows} rows, {made.artifacts} blobs ({megabytes:.1f} MiB) |\n"
              f"| restore (with fsck) | {restore_s:.2f} s | {restored.releases_checked} releases checked |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
