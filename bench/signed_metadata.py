"""What signing costs per publish as the catalogue grows.

Usage (from the repository root)::

    .venv/bin/python bench/signed_metadata.py [--sizes 100,1000,5000] [--rounds 5]

For each size, in a temporary folder (SQLite, file storage) that is removed afterwards:
``tuf init``, then that many targets listed at once, then the median time of listing one
more release (what the registry does after each publish: the target's hashed bin, snapshot
and timestamp, each signed and stored), and the sizes of the last bin and snapshot signed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from click.testing import CliRunner  # noqa: E402
from flask import Flask  # noqa: E402
from sqlalchemy import select  # noqa: E402
from tuf.api.metadata import SuccinctRoles  # noqa: E402

from registry.cli import main  # noqa: E402
from registry.db import database  # noqa: E402
from registry.extensions import SIGNING, STORE  # noqa: E402
from registry.models import Base, SignedMetadata  # noqa: E402
from registry.signing import BIN_BITS, BIN_PREFIX  # noqa: E402
from registry.signing.repository import Target  # noqa: E402
from tests.conftest import make_app  # noqa: E402

BINS = SuccinctRoles([], 1, BIN_BITS, BIN_PREFIX)  # only to name a target's bin


def target(number: int) -> Target:
    return Target(f"packages/app{number}/app{number}-1.0.0.tar.gz", 10_000 + number, f"{number:064x}")


def newest_length(app: Flask, role: str) -> int:
    with database(app).session() as session:
        newest = session.scalars(select(SignedMetadata).where(SignedMetadata.role == role)
                                 .order_by(SignedMetadata.version.desc()).limit(1)).one()
        return app.extensions[STORE].stat(newest.blob_sha256).size


def measure(size: int, rounds: int) -> tuple[float, int, int]:
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(Path(folder) / "data", f"sqlite:///{folder}/registry.db")
        Base.metadata.create_all(database(app).engine)
        assert CliRunner().invoke(main, ["tuf", "init"], obj={"app": app}).exit_code == 0
        signing = app.extensions[SIGNING]
        signing.update(lambda repository: repository.add_targets([target(n) for n in range(size)]))
        times = []
        for extra in range(rounds):
            started = time.perf_counter()
            signing.update(lambda repository, n=size + extra: repository.add_targets([target(n)]))
            times.append(time.perf_counter() - started)
        last_bin = BINS.get_role_for_target(target(size + rounds - 1).path)
        lengths = newest_length(app, last_bin), newest_length(app, "snapshot")
        database(app).dispose()
        return statistics.median(times), *lengths


def main_() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"{'targets':>8} {'sign one more (ms)':>19} {'bin (KiB)':>10} {'snapshot (KiB)':>15}")
    for size in (int(s) for s in args.sizes.split(",")):
        seconds, bin_length, snapshot_length = measure(size, args.rounds)
        print(f"{size:>8} {seconds * 1000:>19.1f} {bin_length / 1024:>10.1f} {snapshot_length / 1024:>15.1f}")


if __name__ == "__main__":
    main_()
