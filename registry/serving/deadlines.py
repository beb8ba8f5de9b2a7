"""When a request that is still coming in has taken too long: the rules, without sockets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ClientDeadlines:
    """How slowly a client may send a request before the server hangs up.

    Every figure is in seconds, except ``min_upload_rate`` (bytes per second).
    """

    idle_timeout: float = 5.0  # an open connection that sends nothing
    header_timeout: float = 10.0  # first byte of a request to the end of its headers
    body_timeout: float = 20.0  # longest pause while a body comes in
    min_upload_rate: float = 10 * 1024  # average over the whole body so far ...
    upload_grace: float = 10.0  # ... judged only once the body has taken this long

    @classmethod
    def from_config(cls, config: Mapping[str, Any], *, idle_timeout: float) -> ClientDeadlines:
        """The deadlines from the registry's ``SERVE_*`` settings."""
        return cls(
            idle_timeout=idle_timeout,
            header_timeout=float(config["SERVE_HEADER_TIMEOUT"]),
            body_timeout=float(config["SERVE_BODY_TIMEOUT"]),
            min_upload_rate=float(config["SERVE_MIN_UPLOAD_RATE"]),
            upload_grace=float(config["SERVE_UPLOAD_GRACE"]),
        )


@dataclass(frozen=True)
class RequestProgress:
    """How far one incoming request has come; times on one monotonic clock."""

    started: float  # its first byte arrived
    last_byte: float  # the latest byte arrived
    body_started: float | None  # its headers ended (None: still in the headers)
    body_bytes: int


def overdue(progress: RequestProgress, deadlines: ClientDeadlines, now: float) -> str | None:
    """Why this request has taken too long, or None while it may go on."""
    if progress.body_started is None:
        if now - progress.started > deadlines.header_timeout:
            return f"the request headers did not arrive within {deadlines.header_timeout:g} seconds"
        return None
    if now - progress.last_byte > deadlines.body_timeout:
        return f"the request body stalled for more than {deadlines.body_timeout:g} seconds"
    elapsed = now - progress.body_started
    if elapsed > deadlines.upload_grace and progress.body_bytes < deadlines.min_upload_rate * elapsed:
        return (f"the request body came in slower than {deadlines.min_upload_rate / 1024:g} KiB/s "
                f"after the first {deadlines.upload_grace:g} seconds")
    return None
