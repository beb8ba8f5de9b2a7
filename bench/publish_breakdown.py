"""Where the time of a publish goes: per plugin, per step, and the hottest functions.

Usage (from the repository root)::

    .venv/bin/python bench/publish_breakdown.py [--packages 200] [--profile]

Publishes ``--packages`` distinct valid packages (those of
``bench/registry_throughput.py``) in-process through the WSGI stack of one
registry (a temporary data dir, SQLite and file store, the shipped platform
profiles), after a few warm-up publishes. Prints milliseconds per publish:
the whole request (and the CPU time of this process: less sensitive to
other work on the machine), each plugin's share (the ``appstore_verification_seconds``
figures of ``/metrics``), the CPU of the stack around a view (``/healthz``, and
an authenticated GET) and, with ``--profile``, the functions with the most
own time under ``cProfile``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from pathlib import Path

# The package factory lives with the tests.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.registry_throughput import package_for  # noqa: E402
from registry.app import create_app  # noqa: E402
from registry.db import database  # noqa: E402
from registry.metrics import VERIFICATION_SECONDS  # noqa: E402
from registry.migrations import alembic_config  # noqa: E402
from registry.services.organisations import OrganisationService  # noqa: E402
from registry.services.profiles import ProfileService  # noqa: E402
from registry.services.tokens import TokenService  # noqa: E402

WARM_UP = 5


def registry(data_dir: Path):  # type: ignore[no-untyped-def]  # a Flask app
    """A registry with its schema, the shipped profiles and a publisher's token."""
    from alembic import command

    url = f"sqlite:///{data_dir / 'registry.db'}"
    command.upgrade(alembic_config(url), "head")
    app = create_app({"DATA_DIR": str(data_dir), "DATABASE_URL": url, "STORAGE_URL": "",
                      "SECRET_KEY": "bench", "LOAD_INSTALLED_PLUGINS": False})
    with database(app).session() as session:
        ProfileService(session).seed_defaults("bench")
        organisation = OrganisationService(session).create("dimpact", "Dimpact", "cooperation")
        session.flush()
        _, secret = TokenService(session).create(organisation)
        session.commit()
    return app, secret


def plugin_seconds() -> dict[str, float]:
    """Seconds per plugin so far, from the verification histogram that ``/metrics`` shows."""
    return {sample.labels["plugin"]: sample.value for metric in VERIFICATION_SECONDS.collect()
            for sample in metric.samples if sample.name.endswith("_sum")}


def serving_cpu(client, token: str, n: int = 300) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """CPU milliseconds per request of the stack around a view: ``/healthz`` (no database:
    middleware, metrics, access log) and an authenticated GET (also the session and token)."""
    figures = {}
    for label, path, headers in (("GET /healthz", "/healthz", {}),
                                 ("GET with a token", "/api/v1/organisations/dimpact/settings",
                                  {"Authorization": f"Bearer {token}"})):
        for _ in range(WARM_UP):
            client.get(path, headers=headers)
        started = time.process_time()
        for _ in range(n):
            if client.get(path, headers=headers).status_code != 200:
                raise SystemExit(f"{path} did not answer 200")
        figures[label] = 1000 * (time.process_time() - started) / n
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--packages", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="also print the top functions under cProfile")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="appstore-bench-") as tmp:
        app, token = registry(Path(tmp))
        client = app.test_client()
        archives = [package_for(i)[1] for i in range(args.packages + WARM_UP)]
        for i, archive in enumerate(archives):
            if i == WARM_UP:
                profiler = cProfile.Profile() if args.profile else None
                if profiler:
                    profiler.enable()
                started, cpu_started = time.perf_counter(), time.process_time()
                before = plugin_seconds()
            response = client.post("/api/v1/releases", data={"package": (io.BytesIO(archive), "p.tar.gz")},
                                   headers={"Authorization": f"Bearer {token}"})
            if response.status_code != 201:
                raise SystemExit(f"publish answered {response.status_code}: {response.get_data(as_text=True)[:2000]}")
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        per_plugin = {name: s - before.get(name, 0.0) for name, s in plugin_seconds().items()}
        if profiler:
            profiler.disable()
        serving = serving_cpu(client, token)
        database(app).dispose()

    n = args.packages
    print(f"{n} publishes in-process: {n / elapsed:.1f}/s, {1000 * elapsed / n:.1f} ms per publish, "
          f"{1000 * cpu / n:.1f} ms of CPU")
    print(f"{'plugin':<28} ms/publish")
    for name, seconds in sorted(per_plugin.items(), key=lambda item: -item[1]):
        print(f"{name:<28} {1000 * seconds / n:8.2f}")
    print(f"{'(all plugins)':<28} {1000 * sum(per_plugin.values()) / n:8.2f}")
    for label, ms in serving.items():
        print(f"{label:<28} {ms:8.2f} ms of CPU a request")
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.top)
        print(out.getvalue())


if __name__ == "__main__":
    main()
