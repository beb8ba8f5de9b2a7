"""Long answers from a shared worker close their connection; the others keep it.

A real :class:`~registry.serving.guard.DeadlineServer` on 127.0.0.1 with three
threads. Its app holds each long request at a gate the test opens, so which
requests run at the same time is decided by events, not by timings. The app
answers with the client's port, so a reused connection is visible from both sides.
A long request spends processor time (what counts, not time on the clock); the
bar is raised to 30 ms here, far above what a short request's thread uses.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.client import HTTPConnection, HTTPResponse
from typing import Any

import pytest
from waitress import wasyncore

from registry.serving import spreading
from registry.serving.deadlines import ClientDeadlines
from registry.serving.guard import DeadlineServer

PATIENCE = 10.0
LONG_SECONDS = 0.03


@dataclass
class Gates:
    """Per long request (``/long/<name>``): whether it has begun, and whether it may end."""

    entered: defaultdict[str, threading.Event] = field(default_factory=lambda: defaultdict(threading.Event))
    opened: defaultdict[str, threading.Event] = field(default_factory=lambda: defaultdict(threading.Event))

    def open_all(self) -> None:
        for gate in list(self.opened.values()):
            gate.set()


def busy(seconds: float) -> None:
    """Use ``seconds`` of this thread's processor time: what makes a request long."""
    until = time.thread_time() + seconds
    while time.thread_time() < until:
        pass


def gated_app(gates: Gates) -> Callable[..., Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path: str = environ["PATH_INFO"]
        if path.startswith("/long/"):
            name = path.removeprefix("/long/")
            gates.entered[name].set()
            busy(spreading.LONG_REQUEST_SECONDS * 1.5)  # long however soon the gate opens
            gates.opened[name].wait(PATIENCE)
        body = environ["REMOTE_PORT"].encode()
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
        return [body]

    return app


@dataclass
class Server:
    port: int
    gates: Gates

    def connect(self) -> HTTPConnection:
        return HTTPConnection("127.0.0.1", self.port, timeout=PATIENCE)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    gates = Gates()
    socket_map: dict[int, Any] = {}
    serving = DeadlineServer(gated_app(gates), socket_map, host="127.0.0.1", port=0, threads=3,
                             clear_untrusted_proxy_headers=False, deadlines=ClientDeadlines())
    stopping = threading.Event()

    def loop() -> None:
        while not stopping.is_set():
            wasyncore.loop(timeout=0.05, map=socket_map, use_poll=True, count=1)
        wasyncore.close_all(socket_map)

    looping = threading.Thread(target=loop, daemon=True)
    looping.start()
    yield Server(serving.effective_port, gates)
    gates.open_all()
    stopping.set()
    looping.join(PATIENCE)
    serving.task_dispatcher.shutdown()


@pytest.fixture
def gates(server: Server, monkeypatch: pytest.MonkeyPatch) -> Iterator[Gates]:
    monkeypatch.setattr(spreading, "LONG_REQUEST_SECONDS", LONG_SECONDS)
    yield server.gates
    server.gates.open_all()  # a failed test leaves no request waiting
    server.gates.entered.clear()
    server.gates.opened.clear()


def get(connection: HTTPConnection, path: str) -> HTTPResponse:
    connection.request("GET", path)
    return connection.getresponse()


def answer(response: HTTPResponse) -> tuple[str | None, str]:
    """The response's ``Connection`` header and the client port the server saw."""
    return response.getheader("Connection"), response.read().decode()


def test_a_long_request_alone_in_its_worker_keeps_the_connection(server: Server, gates: Gates) -> None:
    gates.opened["alone"].set()
    client = server.connect()
    closing, port = answer(get(client, "/long/alone"))
    assert closing is None
    assert answer(get(client, "/short")) == (None, port)  # the same connection answered again
    client.close()


def test_a_long_request_beside_another_closes_its_connection(server: Server, gates: Gates) -> None:
    first, second = server.connect(), server.connect()
    first.request("GET", "/long/first")
    assert gates.entered["first"].wait(PATIENCE)
    second.request("GET", "/long/second")
    assert gates.entered["second"].wait(PATIENCE)
    gates.opened["first"].set()  # the first ends while the second still runs
    closing, port = answer(first.getresponse())
    assert closing == "close"
    _, next_port = answer(get(first, "/short"))
    assert next_port != port  # the client came back on a new connection
    gates.opened["second"].set()
    answer(second.getresponse())
    first.close()
    second.close()


def test_a_short_request_beside_a_long_one_keeps_the_connection(server: Server, gates: Gates) -> None:
    busy, client = server.connect(), server.connect()
    busy.request("GET", "/long/busy")
    assert gates.entered["busy"].wait(PATIENCE)
    closing, port = answer(get(client, "/short"))
    assert closing is None
    assert answer(get(client, "/short")) == (None, port)
    gates.opened["busy"].set()
    answer(busy.getresponse())
    busy.close()
    client.close()
