"""Time the API's hottest answers in-process: a catalogue page of 100 apps, one app, one release.

    .venv/bin/python bench/api_answers.py [--apps 100] [--rounds 200]

Publishes ``--apps`` packages into a temporary registry (SQLite, file storage), then
asks each answer ``--rounds`` times through Flask's test client (no network, so what
is measured is the view: the query, the models and the JSON) and prints the median
and p95 per request. Run it on two commits to compare them.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import factories  # noqa: E402
from tests.conftest import add_organisation, make_app  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--apps", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(Path(folder) / "data", f"sqlite:///{folder}/registry.db")
        token = add_organisation(app, "dimpact")
        client = app.test_client()
        for number in range(args.apps):
            package = factories.package(factories.manifest(id=f"app-{number:04d}", name=f"App {number}"))
            response = client.post("/api/v1/releases", data={"package": (io.BytesIO(package), "p.tar.gz")},
                                   headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 201, response.json
        paths = {
            f"catalogue page of {min(args.apps, 100)}": "/api/v1/apps?pageSize=100",
            "one app": "/api/v1/apps/app-0000",
            "one release": "/api/v1/apps/app-0000/releases/1.4.0",
        }
        for label, path in paths.items():
            timings = []
            for _ in range(args.rounds):
                started = time.perf_counter()
                response = client.get(path)
                timings.append(time.perf_counter() - started)
                assert response.status_code == 200
            timings.sort()
            print(f"{label:<26} median {statistics.median(timings) * 1000:6.2f} ms   "
                  f"p95 {timings[int(len(timings) * 0.95)] * 1000:6.2f} ms")


if __name__ == "__main__":
    main()
