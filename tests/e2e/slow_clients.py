"""Slow clients against a server on 127.0.0.1: connections that trickle headers or upload bodies.

One thread drives every connection with non-blocking sockets, so a hundred slow
clients cost the test or benchmark one thread. A connection counts as cut off
when the server answers it (a 408, say) or closes it; with ``reconnect`` the
crowd keeps its size, as a real attacker would.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field

HEADER_START = b"GET /api/v1/apps HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
UPLOAD_BYTES = 1024 * 1024  # what each slow upload says it will send


def upload_start(token: str) -> bytes:
    """The head of a publish whose body will come in slowly."""
    return (f"POST /api/v1/releases HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: multipart/form-data; boundary=slow\r\nContent-Length: {UPLOAD_BYTES}\r\n\r\n"
            "--slow\r\n").encode()


@dataclass
class SlowConnection:
    kind: str  # "header" or "upload"
    sock: socket.socket
    opened: float
    sent: int = 0


@dataclass
class SlowCrowd:
    """``headers`` connections that send one header byte a tick, ``uploads`` that send a few body bytes a tick.

    The ticks come every ``tick`` seconds; ``upload_step`` body bytes per tick
    (0: the upload stalls after its first bytes).
    """

    port: int
    headers: int
    uploads: int
    token: str = ""
    tick: float = 0.5
    upload_step: int = 16
    reconnect: bool = True
    host: str = "127.0.0.1"
    cut_off: dict[str, list[float]] = field(default_factory=lambda: {"header": [], "upload": []})
    connections: list[SlowConnection] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="slow-crowd", daemon=True)

    def __enter__(self) -> SlowCrowd:
        for kind, count in (("header", self.headers), ("upload", self.uploads)):
            for _ in range(count):
                self.connections.append(self._open(kind))
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        for connection in self.connections:
            connection.sock.close()

    def open_count(self) -> int:
        with self._lock:
            return len(self.connections)

    def cut_off_count(self, kind: str) -> int:
        with self._lock:
            return len(self.cut_off[kind])

    def _open(self, kind: str) -> SlowConnection:
        sock = socket.create_connection((self.host, self.port), timeout=5)
        sock.sendall(HEADER_START if kind == "header" else upload_start(self.token))
        sock.setblocking(False)
        return SlowConnection(kind, sock, time.monotonic())

    def _run(self) -> None:
        while not self._stop.wait(self.tick):
            for connection in list(self.connections):
                if self._stop.is_set():
                    return
                if self._trickle(connection):
                    continue
                connection.sock.close()
                with self._lock:
                    self.connections.remove(connection)
                    self.cut_off[connection.kind].append(time.monotonic() - connection.opened)
                if self.reconnect:
                    try:
                        replacement = self._open(connection.kind)
                    except OSError:
                        continue  # the server refuses for now; the crowd shrinks
                    with self._lock:
                        self.connections.append(replacement)

    def _trickle(self, connection: SlowConnection) -> bool:
        """Send the next few bytes; False once the server has answered or closed the connection."""
        try:
            connection.sock.recv(4096, socket.MSG_PEEK)
            return False  # an answer (a 408) or the end of the stream: either way, cut off
        except BlockingIOError:
            pass  # nothing from the server yet
        except OSError:
            return False
        if connection.kind == "header":
            step = b"a"
        elif self.upload_step:
            step = b"x" * self.upload_step
        else:
            return True  # a stalled upload: after its head, nothing more comes
        try:
            connection.sock.send(step)
        except BlockingIOError:
            return True  # the server does not read: as slow as we are, from its side
        except OSError:
            return False
        connection.sent += len(step)
        return True
