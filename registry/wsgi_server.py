"""Running the registry under gunicorn, with workers that read each request whole first.

See README, "Serving in production": gunicorn manages the worker processes; each
worker is a :class:`~registry.serving.worker.BufferedWorker`, so a client that
trickles its headers or its upload holds a socket, never one of the threads.
"""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

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


def run_gunicorn(*, host: str, port: int, workers: int, threads: int = 4,
                 overrides: dict[str, Any] | None = None) -> None:
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
    }, overrides).run()
