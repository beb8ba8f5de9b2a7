"""How fast the webhook outbox drains: events per second to a receiver on 127.0.0.1.

Usage (from the repository root)::

    .venv/bin/python bench/webhooks.py --events 2000 --apps 50 --workers 1 3
    .venv/bin/python bench/webhooks.py --database-url postgresql://...   # an empty database

In a temporary folder that is removed afterwards: a registry (SQLite unless a URL is
given) whose allow-list lets it call 127.0.0.1, one subscription, and ``--events``
events spread over ``--apps`` apps written to the outbox as the services write them.
For each ``--workers`` count, the outbox is drained by that many couriers in threads
(as several `webhooks deliver` processes would share it) into a threaded HTTP
receiver; prints events/s and checks that each event arrived once, in order per app.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the receiver lives with the tests

from sqlalchemy import delete  # noqa: E402

from registry.db import database  # noqa: E402
from registry.models import Base, Organisation, WebhookDelivery  # noqa: E402
from registry.service_factories import webhook_courier, webhook_service  # noqa: E402
from registry.services.webhooks import events  # noqa: E402
from tests.registry.webhook_support import Receiver, hook_app, pending  # noqa: E402


def fill(app, count: int, apps: int) -> None:  # type: ignore[no-untyped-def]
    with database(app).session() as session:
        session.execute(delete(WebhookDelivery))
        for number in range(count):
            app_id = f"app-{number % apps}"
            events.emit(session, events.WebhookEvent("release.published", app_id, f"1.0.{number}",
                                                     {"app": app_id, "version": f"1.0.{number}"}))


def drain(app, workers: int) -> float:  # type: ignore[no-untyped-def]
    couriers = [webhook_courier(app) for _ in range(workers)]
    started = time.perf_counter()

    def work(courier) -> None:  # type: ignore[no-untyped-def]
        idle = 0
        while idle < 3:
            idle = idle + 1 if courier.deliver_due() == 0 else 0
            if idle:
                time.sleep(0.01)

    threads = [threading.Thread(target=work, args=(c,)) for c in couriers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--apps", type=int, default=50)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    receiver = Receiver()
    receiver.start()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'registry.db'}"
        app = hook_app(Path(folder) / "data", url)
        Base.metadata.create_all(database(app).engine)
        with database(app).session() as session:
            organisation = Organisation(slug="bench", name="Bench", kind="municipality")
            session.add(organisation)
            session.flush()
            webhook_service(app, session).create(organisation, receiver.url, ["release.published"], "", "bench")
        for workers in args.workers:
            fill(app, args.events, args.apps)
            receiver.received.clear()
            seconds = drain(app, workers)
            got = [r.event["data"] for r in receiver.received]
            in_order = all([int(v.split(".")[2]) for v in versions] == sorted(int(v.split(".")[2]) for v in versions)
                           for versions in _by_app(got).values())
            print(f"{workers} worker(s): {len(got)} events in {seconds:.2f} s = {len(got) / seconds:.0f} events/s; "
                  f"left pending {len(pending(app))}; once each {len(got) == args.events}; in order {in_order}")
        database(app).dispose()
    receiver.stop()


def _by_app(data: list[dict]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for item in data:
        found.setdefault(item["app"], []).append(item["version"])
    return found


if __name__ == "__main__":
    main()
