"""The rules that cut off slow clients, and the access log of the buffered worker, without sockets."""

from __future__ import annotations

import logging

import pytest

from registry.config import Defaults
from registry.serving.access_log import logged
from registry.serving.deadlines import ClientDeadlines, RequestProgress, overdue
from registry.serving.guard import request_timeout

DEADLINES = ClientDeadlines(idle_timeout=5, header_timeout=10, body_timeout=20, min_upload_rate=1000, upload_grace=10)


def headers_begun_at(started: float) -> RequestProgress:
    return RequestProgress(started=started, last_byte=started, body_started=None, body_bytes=0)


def body(begun: float, last_byte: float, received: int) -> RequestProgress:
    return RequestProgress(started=begun - 1, last_byte=last_byte, body_started=begun, body_bytes=received)


def test_headers_may_take_the_header_timeout_and_no_longer() -> None:
    assert overdue(headers_begun_at(100), DEADLINES, now=110) is None
    assert "headers did not arrive within 10 seconds" in overdue(headers_begun_at(100), DEADLINES, now=110.5)


def test_trickling_headers_do_not_reset_the_header_clock() -> None:
    trickling = RequestProgress(started=100, last_byte=111, body_started=None, body_bytes=0)
    assert overdue(trickling, DEADLINES, now=111) is not None


def test_a_body_that_pauses_too_long_is_overdue_even_within_the_grace() -> None:
    assert overdue(body(begun=100, last_byte=100, received=10), DEADLINES, now=105) is None
    assert "stalled for more than 20 seconds" in overdue(body(100, 100, 50_000), DEADLINES, now=120.5)


@pytest.mark.parametrize(("received", "verdict"), [(30_000, None), (29_000, "slower than")])
def test_after_the_grace_a_body_must_average_the_minimum_rate(received: int, verdict: str | None) -> None:
    result = overdue(body(begun=100, last_byte=129, received=received), DEADLINES, now=130)
    assert result is None if verdict is None else verdict in result


def test_a_slow_start_is_forgiven_during_the_grace() -> None:
    assert overdue(body(begun=100, last_byte=109, received=1), DEADLINES, now=109.9) is None


def test_deadlines_come_from_the_registry_settings() -> None:
    config = {name: getattr(Defaults, name) for name in dir(Defaults) if name.startswith("SERVE_")}
    deadlines = ClientDeadlines.from_config(config | {"SERVE_HEADER_TIMEOUT": "3"}, idle_timeout=5)
    assert deadlines.header_timeout == 3.0
    assert deadlines.min_upload_rate == Defaults.SERVE_MIN_UPLOAD_RATE


def test_request_timeout_is_a_whole_problem_response() -> None:
    response = request_timeout("the request body stalled")
    head, _, content = response.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 ")
    assert f"Content-Length: {len(content)}".encode() in head
    assert b"Connection: close" in head


def test_access_log_has_one_line_per_request(caplog: pytest.LogCaptureFixture) -> None:
    def app(environ: dict, start_response) -> list[bytes]:  # type: ignore[no-untyped-def]
        start_response("201 CREATED", [("Content-Type", "text/plain"), ("X-Request-Id", "r-42")])
        return [b"made", b"!"]

    environ = {"REMOTE_ADDR": "192.0.2.7", "REQUEST_METHOD": "POST", "PATH_INFO": "/api/v1/releases",
               "QUERY_STRING": "a=1", "SERVER_PROTOCOL": "HTTP/1.1"}
    log = logging.getLogger("test.access")
    with caplog.at_level(logging.INFO, logger="test.access"):
        body = logged(app, log)(environ, lambda *args: None)
        assert b"".join(body) == b"made!"
        assert not caplog.records  # logged when the server is done with the answer
        body.close()  # type: ignore[attr-defined]
    assert caplog.messages[0].startswith('192.0.2.7 "POST /api/v1/releases?a=1 HTTP/1.1" 201 5 ')
    assert caplog.messages[0].endswith(" r-42")  # the app's request id, to find its own log lines
