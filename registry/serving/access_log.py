"""One line per answered request, in gunicorn's access log, for workers that gunicorn does not log for."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _CountedBody:
    """The app's body, counted as it is sent; logged when the server closes it."""

    def __init__(self, body: Iterable[bytes], done: Callable[[str], None]) -> None:
        self.body = body
        self.done = done
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.body:
            self.sent += len(chunk)
            yield chunk

    def close(self) -> None:
        try:
            if hasattr(self.body, "close"):
                self.body.close()
        finally:
            self.done(str(self.sent))


def logged(app: WSGIApp, access_log: logging.Logger) -> WSGIApp:
    """``app``, logging client, request line, status, bytes sent, seconds taken and request id
    (the app's ``X-Request-Id`` answer) for each request."""

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.monotonic()
        status = request_id = "-"

        def recording_start_response(line: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            nonlocal status, request_id
            status = line.split(" ", 1)[0]
            request_id = next((value for name, value in headers if name.lower() == "x-request-id"), "-")
            return start_response(line, headers, *exc_info)

        def done(sent: str) -> None:
            query = environ.get("QUERY_STRING")
            access_log.info('%s "%s %s%s %s" %s %s %.3f %s', environ.get("REMOTE_ADDR", "-"),
                            environ.get("REQUEST_METHOD"), environ.get("PATH_INFO", ""), f"?{query}" if query else "",
                            environ.get("SERVER_PROTOCOL"), status, sent, time.monotonic() - started, request_id)

        body = app(environ, recording_start_response)
        file_wrapper = environ.get("wsgi.file_wrapper")
        if isinstance(file_wrapper, type) and isinstance(body, file_wrapper):
            done("-")  # a file the server sends by itself, faster untouched
            return body
        return _CountedBody(body, done)

    return application
