"""Running the registry under gunicorn, with workers that read each request whole first.

See README, "Serving in production": gunicorn manages the worker processes; each
worker is a :class:`~registry.serving.worker.BufferedWorker`, so a client that
trickles its headers or its upload holds a socket, never one of the threads.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from gunicorn.app.base import BaseApplication
from prometheus_client import multiprocess, values

from registry.metrics import MULTIPROC_DIR
from registry.request_log import gunicorn_log_config
from registry.serving.sizing import DEFAULT_THREADS

WORKER_CLASS = "registry.serving.worker.BufferedWorker"


class RegistryServer(BaseApplication):
    """gunicorn with the registry app, configured from arguments instead of a file.

    ``overrides`` are registry settings (``SERVE_HEADER_TIMEOUT``, ...) given on
    the command line; they win over the environment, as test settings do.
    """

    def __init__(self, options: dict[str, Any], overrides: dict[str, Any] | None = None) -> None:
        self.options = options
        self.overrides = overrides or {}
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):  # type: ignore[no-untyped-def]
        from registry.app import create_app

        return create_app(self.overrides or None)


@contextmanager
def shared_metrics() -> Iterator[None]:
    """Workers that write their metrics to one private temporary folder, removed afterwards.

    prometheus_client picks its way of keeping values when it is first imported,
    which the command line has done already: it is told again here, before any
    worker is forked and before any value exists.
    """
    folder = tempfile.mkdtemp(prefix="appstore-metrics-")  # mode 0700
    previous = os.environ.get(MULTIPROC_DIR)
    os.environ[MULTIPROC_DIR] = folder
    values.ValueClass = values.get_value_class()
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(MULTIPROC_DIR, None)
        else:
            os.environ[MULTIPROC_DIR] = previous
        values.ValueClass = values.get_value_class()
        shutil.rmtree(folder, ignore_errors=True)


def _worker_gone(_server: Any, worker: Any) -> None:
    """gunicorn's ``child_exit`` hook: a dead worker's live gauges stop counting."""
    multiprocess.mark_process_dead(worker.pid)


def run_gunicorn(*, host: str, port: int, workers: int, threads: int = DEFAULT_THREADS,
                 overrides: dict[str, Any] | None = None, log_format: str = "text") -> None:
    with shared_metrics():
        _run(host=host, port=port, workers=workers, threads=threads, overrides=overrides, log_format=log_format)


def _run(*, host: str, port: int, workers: int, threads: int, overrides: dict[str, Any] | None,
         log_format: str) -> None:
    RegistryServer({
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": WORKER_CLASS,
        "threads": threads,
        # Connections cost a socket each, not a thread: allow many, so that slow
        # ones cannot crowd out the rest before their deadlines close them.
        "worker_connections": 1000,
        "keepalive": 5,  # seconds an idle connection stays open
        "accesslog": "-",
        "logconfig_dict": gunicorn_log_config(log_format),  # APPSTORE_LOG_FORMAT=json: every line
        # The heartbeat comes from the event loop, which requests never block.
        "timeout": 120,
        # Each worker builds its own app (plugin manager, engine): nothing is
        # shared across a fork.
        "preload_app": False,
        # Which forwarded headers to believe is the app's decision (APPSTORE_TRUSTED_PROXIES,
        # werkzeug's ProxyFix); gunicorn would otherwise take X-Forwarded-Proto from any
        # client on 127.0.0.1 as proof of HTTPS.
        "forwarded_allow_ips": "",
        "secure_scheme_headers": {},
        "child_exit": _worker_gone,
    }, overrides).run()
