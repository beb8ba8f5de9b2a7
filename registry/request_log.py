"""Log records that name their request: a request id, and JSON or text lines.

Every request gets an id: the caller's ``X-Request-Id`` when it is a short safe
token (a proxy in front may have chosen it), otherwise a fresh one. The id goes
back in the ``X-Request-Id`` response header and into every log record made
while the request runs, so one grep finds all a request did.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, request

HEADER = "X-Request-Id"
#: Letters, digits and ``._-``, at most 64: safe in a header and a log line, and linear to match.
SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"

current_request_id: ContextVar[str] = ContextVar("request_id", default="-")
_plain_factory = logging.getLogRecordFactory()


def request_id_of(incoming: str | None) -> str:
    """The caller's id when it is a safe token, else a new one."""
    if incoming and SAFE_ID.fullmatch(incoming):
        return incoming
    return secrets.token_hex(8)


def _record_with_request_id(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _plain_factory(*args, **kwargs)
    record.request_id = current_request_id.get()
    return record


class JSONFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, request id, message (and the traceback)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def formatter(kind: str) -> logging.Formatter:
    return JSONFormatter() if kind == "json" else logging.Formatter(TEXT_FORMAT)


def configure_logging(kind: str) -> None:
    """Send the registry's records to stderr in ``kind`` format; once per process, the last call wins."""
    logging.setLogRecordFactory(_record_with_request_id)
    root = logging.getLogger()
    handler = next((h for h in root.handlers if getattr(h, "appstore", False)), None)
    if handler is None:
        handler = logging.StreamHandler(sys.stderr)
        handler.appstore = True  # type: ignore[attr-defined]
        root.addHandler(handler)
        if root.level == logging.WARNING:  # untouched: let the registry's info lines through
            root.setLevel(logging.INFO)
    handler.setFormatter(formatter(kind))


def gunicorn_log_config(kind: str) -> dict[str, Any]:
    """gunicorn's ``logconfig_dict`` for ``kind``: with json, its own lines and the access log
    are JSON objects too, so a log collector reads every line of a server alike; with text,
    none (gunicorn's own format)."""
    if kind != "json":
        return {}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JSONFormatter"}},
        "handlers": {name: {"class": "logging.StreamHandler", "formatter": "json", "stream": f"ext://sys.{name}"}
                     for name in ("stdout", "stderr")},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
        },
        # The registry's records get their handler from configure_logging in each worker;
        # gunicorn's default would add a second one in its own format.
        "root": {"level": "INFO", "handlers": []},
    }


def init_app(app: Flask) -> None:
    """Give each request its id, and set up the log lines of ``LOG_FORMAT``."""
    configure_logging(app.config["LOG_FORMAT"])

    @app.before_request
    def take_request_id() -> None:
        current_request_id.set(request_id_of(request.headers.get(HEADER)))

    @app.after_request
    def return_request_id(response: Response) -> Response:
        response.headers[HEADER] = current_request_id.get()
        return response

    @app.teardown_request
    def forget_request_id(_error: BaseException | None) -> None:
        current_request_id.set("-")  # the thread's next request starts clean
