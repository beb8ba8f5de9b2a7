"""Metrics and request ids from the real server: gunicorn with two workers."""

from __future__ import annotations

import pytest
import requests

from tests import factories
from tests.e2e.server import RegistryServer, wait_until
from tests.registry.test_observability import sample

# The session's shared registry (tests/e2e/conftest.py) starts once, on the one worker of its group.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("registry")]

TIMEOUT = 60
READS = 24


def scrape(registry: RegistryServer) -> str:
    response = requests.get(f"{registry.url}/metrics", timeout=TIMEOUT)
    assert response.status_code == 200
    return response.text


def test_a_scrape_on_any_worker_sums_every_workers_requests_and_publishes(registry: RegistryServer) -> None:
    before = scrape(registry)
    for _ in range(READS):  # a new connection each: gunicorn's workers take turns accepting them
        response = requests.get(f"{registry.url}/healthz", timeout=TIMEOUT, headers={"Connection": "close"})
        assert response.status_code == 200
    manifest = factories.manifest(id="metrics-zaken")
    published = requests.post(f"{registry.api}/releases", timeout=TIMEOUT,
                              files={"package": ("package.tar.gz", factories.package(manifest), "application/gzip")},
                              headers={"Authorization": f"Bearer {registry.token}"})
    assert published.status_code == 201, published.text
    for _ in range(4):  # whichever worker answers the scrape, it counts them all
        after = scrape(registry)
        assert sample(after, "appstore_request_seconds_count", route="/healthz", method="GET", status="200") \
            - sample(before, "appstore_request_seconds_count", route="/healthz", method="GET", status="200") == READS
        assert sample(after, "appstore_publishes_total", outcome="accepted") \
            - sample(before, "appstore_publishes_total", outcome="accepted") == 1


def test_the_request_id_comes_back_and_is_in_the_access_log(registry: RegistryServer) -> None:
    response = requests.get(f"{registry.api}/apps", timeout=TIMEOUT, headers={"X-Request-Id": "e2e-trace-1"})
    assert response.headers["X-Request-Id"] == "e2e-trace-1"
    fresh = requests.get(f"{registry.api}/apps", timeout=TIMEOUT).headers["X-Request-Id"]
    assert fresh and fresh != "e2e-trace-1"
    # The access line is written once the server is done sending the answer.
    assert wait_until(lambda: " e2e-trace-1" in registry.log_tail(400), timeout=30), registry.log_tail()
