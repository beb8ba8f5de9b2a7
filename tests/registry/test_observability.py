"""Request ids in headers and log records, JSON log lines, and the Prometheus metrics."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from flask import Flask, current_app
from flask.testing import FlaskClient

from registry import request_log
from registry.errors import ConfigurationError
from registry.extensions import STORE
from tests import factories
from tests.conftest import add_organisation, make_app
from tests.registry.test_publish_api import publish


@pytest.fixture
def observed(tmp_path: Path, sqlite_schema_url: str) -> Flask:
    """A registry with /metrics on and one route that logs."""
    app = make_app(tmp_path / "data", sqlite_schema_url, with_schema=True, METRICS=1)

    @app.get("/test-logs")
    def logs_something() -> str:
        current_app.logger.warning("something happened")
        return "ok"

    return app


def test_each_request_gets_a_new_id_in_the_header_and_its_log_records(
        observed: Flask, caplog: pytest.LogCaptureFixture) -> None:
    client = observed.test_client()
    with caplog.at_level(logging.INFO):
        first = client.get("/test-logs")
        second = client.get("/test-logs")
    ids = [first.headers["X-Request-Id"], second.headers["X-Request-Id"]]
    assert ids[0] != ids[1]
    assert [r.request_id for r in caplog.records if r.getMessage() == "something happened"] == ids  # type: ignore[attr-defined]


@pytest.mark.parametrize(("incoming", "kept"), [
    ("edge-7f3a.01_B", True),
    ("x" * 65, False),  # too long
    ("a b", False),
    ("id\"}", False),  # would break a JSON or text line
])
def test_a_callers_id_is_kept_only_when_it_is_a_short_safe_token(
        observed: Flask, incoming: str, kept: bool) -> None:
    answered = observed.test_client().get("/test-logs", headers={"X-Request-Id": incoming}).headers["X-Request-Id"]
    assert (answered == incoming) is kept
    assert request_log.SAFE_ID.fullmatch(answered)


def test_json_lines_carry_the_request_id() -> None:
    token = request_log.current_request_id.set("abc123")
    try:
        record = logging.getLogger("registry.test").makeRecord(
            "registry.test", logging.ERROR, __file__, 1, "failed %s", ("twice",), None)
    finally:
        request_log.current_request_id.reset(token)
    line = json.loads(request_log.JSONFormatter().format(record))
    assert line["request_id"] == "abc123"
    assert line["message"] == "failed twice"
    assert line["level"] == "ERROR"


def test_an_unknown_log_format_is_refused_with_the_choices(tmp_path: Path, sqlite_schema_url: str) -> None:
    with pytest.raises(ConfigurationError, match="text .*or json"):
        make_app(tmp_path / "data", sqlite_schema_url, with_schema=True, LOG_FORMAT="xml")


def test_metrics_are_off_unless_asked_for(sqlite_app: Flask) -> None:
    assert sqlite_app.test_client().get("/metrics").status_code == 404


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in the Prometheus text format (0 when absent)."""
    wanted = name + "{" + ",".join(f'{k}="{v}"' for k, v in sorted(labels.items())) + "}"
    for line in text.splitlines():
        key, _, value = line.rpartition(" ")
        if key and "{" in key and _sorted_labels(key) == wanted:
            return float(value)
    return 0.0


def _sorted_labels(key: str) -> str:
    name, _, rest = key.partition("{")
    pairs = sorted(rest.rstrip("}").split(","))
    return name + "{" + ",".join(pairs) + "}"


def test_a_scrape_after_publishing_shows_the_publish_the_route_and_the_plugins(observed: Flask) -> None:
    client: FlaskClient = observed.test_client()
    token = add_organisation(observed, "dimpact")
    before = client.get("/metrics").get_data(as_text=True)
    assert publish(client, token, factories.package()).status_code == 201
    assert publish(client, token, factories.package()).status_code == 409  # the same version again: refused
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    text = response.get_data(as_text=True)

    def grew(name: str, **labels: str) -> float:
        return sample(text, name, **labels) - sample(before, name, **labels)

    assert grew("appstore_publishes_total", outcome="accepted") == 1
    assert grew("appstore_publishes_total", outcome="refused") == 1
    # By the URL rule, not the raw path: one series however many apps there are.
    assert grew("appstore_request_seconds_count", route="/api/v1/releases", method="POST", status="201") == 1
    assert grew("appstore_verification_seconds_count", plugin="manifest-schema") >= 1
    assert "appstore_storage_errors" in text


def test_the_metrics_stay_out_of_the_api_document(observed: Flask) -> None:
    document = observed.test_client().get("/api/v1/openapi.json")
    assert document.status_code == 200
    assert "/metrics" not in document.get_data(as_text=True)


def test_a_package_the_store_lost_counts_as_a_storage_error(observed: Flask) -> None:
    client = observed.test_client()
    token = add_organisation(observed, "dimpact")
    published = publish(client, token, factories.package())
    assert published.status_code == 201
    before = client.get("/metrics").get_data(as_text=True)
    observed.extensions[STORE].delete(published.json["sha256"])
    assert client.get("/api/v1/apps/zaakafhandelcomponent/releases/1.4.0/package").status_code == 500
    after = client.get("/metrics").get_data(as_text=True)
    assert sample(after, "appstore_storage_errors_total", operation="stat") \
        - sample(before, "appstore_storage_errors_total", operation="stat") == 1
