"""Running the registry under gunicorn, the production WSGI server."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication


class RegistryServer(BaseApplication):
    """gunicorn with the registry app, configured from arguments instead of a file."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):  # type: ignore[no-untyped-def]
        from registry.app import create_app

        return create_app()


def run_gunicorn(*, host: str, port: int, workers: int) -> None:
    RegistryServer({
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": 4,
        "accesslog": "-",
        "timeout": 120,
        # Each worker builds its own app (plugin manager, engine): nothing is
        # shared across a fork.
        "preload_app": False,
        # Which forwarded headers to believe is the app's decision (APPSTORE_TRUSTED_PROXIES,
        # werkzeug's ProxyFix); gunicorn would otherwise take X-Forwarded-Proto from any
        # client on 127.0.0.1 as proof of HTTPS.
        "forwarded_allow_ips": "",
        "secure_scheme_headers": {},
    }).run()
