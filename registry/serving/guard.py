"""waitress, taught to hang up on slow clients and to leave size refusals to the app.

waitress reads every request completely (bodies past ``inbuf_overflow`` go to a
temporary file) before a thread runs the app, and buffers every response, so a
slow client costs a socket, never a thread. What waitress lacks is a deadline for
the whole header and a minimum upload rate: its only clock is inactivity, which
one byte every few seconds resets. The server below adds both to waitress's own
once-a-second maintenance pass.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import TcpWSGIServer
from waitress.utilities import RequestEntityTooLarge

from registry.serving.deadlines import ClientDeadlines, RequestProgress, overdue
from registry.serving.spreading import SpreadingTask

log = logging.getLogger(__name__)


class TimedRequestParser(HTTPRequestParser):
    """A request parser that notes when the request and its body began.

    A body larger than waitress may buffer is not refused here: the request goes
    to the app without its body, so that the app answers 413 in its own words
    (problem+json for the API, a page for the web), and the connection closes
    afterwards instead of reading the rest.
    """

    body_started: float | None = None
    refused_body = False
    body_rcv: Any  # waitress's receiver of the body (declared for the type checker)

    def __init__(self, adj: Any) -> None:
        super().__init__(adj)
        self.started = time.monotonic()

    def received(self, data: bytes) -> int:
        if self.refused_body:
            return len(data)
        consumed = super().received(data)
        if self.headers_finished and self.body_started is None:
            self.body_started = time.monotonic()
        if isinstance(self.error, RequestEntityTooLarge):
            self._hand_refusal_to_app()
            return len(data)  # what is left of the body is never read
        return consumed

    def _hand_refusal_to_app(self) -> None:
        self.error = None
        self.refused_body = True
        self.connection_close = True
        self.headers["CONNECTION"] = "close"  # waitress closes after the answer when the request says so
        self.expect_continue = False  # no "100 Continue": the body is not wanted
        if self.body_rcv is not None:
            self.body_rcv.getbuf().close()
            self.body_rcv = None
        # A chunked body has no length of its own: say one that is too large.
        declared = int(self.headers.get("CONTENT_LENGTH") or 0)
        self.headers["CONTENT_LENGTH"] = str(max(declared, self.adj.max_request_body_size + 1))

    def progress(self, last_byte: float) -> RequestProgress:
        return RequestProgress(self.started, last_byte, self.body_started, self.body_bytes_received)


class TimedChannel(HTTPChannel):
    """A connection whose requests are parsed by :class:`TimedRequestParser`."""

    parser_class = TimedRequestParser
    task_class = SpreadingTask
    request: Any  # the request being parsed, as waitress keeps it (declared for the type checker)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.last_byte = time.monotonic()

    def handle_read(self) -> None:
        self.last_byte = time.monotonic()
        super().handle_read()

    def refuse_slow_request(self, reason: str) -> None:
        """Answer 408, drop what came of the request, and close once that is sent."""
        with self.requests_lock:
            if self.request is not None:
                self.request.close()
                self.request = None
        self.write_soon(request_timeout(reason))
        self.close_when_flushed = True


def request_timeout(reason: str) -> bytes:
    """A whole 408 response: problem+json that says what happened and what to do."""
    body = json.dumps({
        "type": "about:blank",
        "title": "Request Timeout",
        "status": 408,
        "detail": f"The server stopped waiting: {reason}. Send the request again over a faster connection.",
    }).encode()
    head = ("HTTP/1.1 408 Request Timeout\r\nContent-Type: application/problem+json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n")
    return head.encode("latin-1") + body


class DeadlineServer(TcpWSGIServer):
    """waitress's TCP server, whose maintenance pass enforces :class:`ClientDeadlines` instead."""

    channel_class = TimedChannel

    def __init__(self, *args: Any, deadlines: ClientDeadlines, **kwargs: Any) -> None:
        self.deadlines = deadlines
        super().__init__(*args, **kwargs)

    def maintenance(self, now: float) -> None:
        clock = time.monotonic()
        for channel in list(self.active_channels.values()):
            if channel.requests or channel.will_close or channel.close_when_flushed:
                continue  # being answered, or closing already
            if channel.request is None:
                # Between requests; a reader that takes none of its answer gets as long as a stalled body.
                limit = self.deadlines.body_timeout if channel.total_outbufs_len else self.deadlines.idle_timeout
                if now - channel.last_activity > limit:
                    channel.will_close = True
                continue
            reason = overdue(channel.request.progress(channel.last_byte), self.deadlines, clock)
            if reason is not None:
                log.info("closing the connection of %s: %s", channel.addr[0] if channel.addr else "?", reason)
                channel.refuse_slow_request(reason)
