"""What signing costs per publish as the catalogue grows.

Usage (from the repository root)::

    .venv/bin/python bench/signed_metadata.py [--sizes 100,1000,5000] [--rounds 5]

For each size, in a temporary folder (SQLite, file storage) that is removed afterwards:
``tuf init``, then that many targets listed at once, then the median time of listing one
more release (what the registry does after each publish: new targets, snapshot and
timestamp, each signed and stored), and the size of targets.json.
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

from registry.cli import main  # noqa: E402
from registry.db import database  # noqa: E402
from registry.extensions import SIGNING, STORE  # noqa: E402
from registry.models import Base, SignedMetadata  # noqa: E402
from registry.signing.repository import Target  # noqa: E402
from tests.conftest import make_app  # noqa: E402


def target(number: int) -> Target:
    return Target(f"packages/app{number}/app{number}-1.0.0.tar.gz", 10_000 + number, f"{number:064x}")


def measure(size: int, rounds: int) -> tuple[float, int]:
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
        with database(app).session() as session:
            newest = session.query(SignedMetadata).filter_by(role="targets") \
                .order_by(SignedMetadata.version.desc()).first()
            length = app.extensions[STORE].stat(newest.blob_sha256).size
        database(app).dispose()
        return statistics.median(times), length


def main_() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"{'targets':>8} {'sign one more (ms)':>19} {'targets.json (KiB)':>19}")
    for size in (int(s) for s in args.sizes.split(",")):
        seconds, length = measure(size, args.rounds)
        print(f"{size:>8} {seconds * 1000:>19.1f} {length / 1024:>19.0f}")


if __name__ == "__main__":
    main_()
