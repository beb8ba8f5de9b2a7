"""A gunicorn worker that reads each request whole before a thread runs the app.

gunicorn stays the process manager (``--workers``, restarts, signals, hooks for
metrics across workers); inside each worker, waitress's event loop owns every
connection and a :class:`~registry.serving.guard.DeadlineServer` hangs up on
clients that send too slowly. Use it as ``gunicorn -k registry.serving.worker.BufferedWorker``.
"""

from __future__ import annotations

import os
import time
from typing import Any

from gunicorn.workers.base import Worker
from waitress import wasyncore
from waitress.adjustments import Adjustments
from waitress.task import ThreadedTaskDispatcher

from registry import config as settings
from registry.serving import collector
from registry.serving.access_log import logged
from registry.serving.deadlines import ClientDeadlines
from registry.serving.guard import DeadlineServer

#: Request line and headers together; gunicorn's own limits allow about as much.
MAX_HEADER_BYTES = 64 * 1024
#: Bodies larger than this wait in a temporary file instead of memory.
SPOOL_AFTER_BYTES = 512 * 1024
POLL_SECONDS = 1.0


class BufferedWorker(Worker):
    """One event loop for the connections, ``threads`` threads for the app."""

    alive: bool  # gunicorn's flag, cleared to stop (declared for the type checker)

    def run(self) -> None:
        collector.start()  # several threads run the app: collect garbage only at safe points
        socket_map: dict[int, Any] = {}
        dispatcher = ThreadedTaskDispatcher()
        dispatcher.set_thread_count(self.cfg.threads)
        adjustments = self.adjustments()
        deadlines = ClientDeadlines.from_config(self.app_config(), idle_timeout=max(self.cfg.keepalive, 1))
        app = logged(self.wsgi, self.log.access_log) if self.cfg.accesslog else self.wsgi
        servers = [
            DeadlineServer(app, socket_map, _sock=listener.sock, dispatcher=dispatcher, adj=adjustments,
                           sockinfo=(listener.sock.family, listener.sock.type, listener.sock.proto,
                                     listener.sock.getsockname()),
                           bind_socket=False, deadlines=deadlines)
            for listener in self.sockets
        ]
        try:
            self.serve(socket_map, servers)
        finally:
            wasyncore.close_all(socket_map)
            dispatcher.shutdown(cancel_pending=True, timeout=self.cfg.graceful_timeout)

    def serve(self, socket_map: dict[int, Any], servers: list[DeadlineServer]) -> None:
        """Poll until told to stop, then finish what is being answered (within the graceful timeout)."""
        stop_by = None
        while socket_map:
            wasyncore.poll2(POLL_SECONDS, socket_map)
            self.notify()
            if stop_by is None and (not self.alive or self.ppid != os.getppid()):
                self.alive = False
                stop_by = time.monotonic() + self.cfg.graceful_timeout
                for server in servers:
                    server.accepting = False
            if stop_by is not None and (time.monotonic() > stop_by or not any(map(busy, servers))):
                return

    def adjustments(self) -> Adjustments:
        config = self.app_config()
        # One byte more than the app takes: waitress refuses at its limit, the app only past it.
        max_body = int(config.get("MAX_CONTENT_LENGTH") or config["MAX_UPLOAD_BYTES"]) + 1
        return Adjustments(
            threads=self.cfg.threads,
            connection_limit=self.cfg.worker_connections,
            cleanup_interval=1,  # the deadlines are checked every second
            asyncore_use_poll=True,  # select() stops at 1024 sockets
            inbuf_overflow=SPOOL_AFTER_BYTES,
            max_request_header_size=MAX_HEADER_BYTES,
            max_request_body_size=max_body,
            # A thread hands over a whole package (to a temporary file past 1 MiB) before a slow reader takes it.
            outbuf_high_watermark=max(Adjustments.outbuf_high_watermark, max_body),
            # X-Forwarded-* reach the app untouched, as under gunicorn's own workers: the app decides whom to trust.
            clear_untrusted_proxy_headers=False,
            ident="gemeente-appstore",
            log_socket_errors=False,  # a client that hangs up is not the server's error
        )

    def app_config(self) -> dict[str, Any]:
        """The registry's settings: the app's own config, or the defaults for any other WSGI app."""
        config = {name: value for name, value in vars(settings.Defaults).items() if name.isupper()}
        config.update(getattr(self.wsgi, "config", {}))
        return config


def busy(server: DeadlineServer) -> bool:
    """Whether any connection of ``server`` waits for, or still receives, an answer."""
    return any(channel.requests or channel.total_outbufs_len for channel in server.active_channels.values())
