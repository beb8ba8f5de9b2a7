"""A running load of reads and publishes against one or more registry servers, taken in
turn (round robin), for fault tests and ``bench/scale_out.py``.

Every answer is kept (kind, server, status, start and end), and every acknowledged
publish (201) with the sha256 of what was sent, so that a test can ask afterwards
what each fault did and whether everything acknowledged can be downloaded.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import requests

from tests import factories

TIMEOUT = (3.0, 60.0)  # connect, read: a dead server fails at once, a slow one gets time
#: What the readers ask, in turn: the catalogue, a search, an app, its page, a download.
READS = ("list", "search", "app", "page", "download")
VERSIONS_PER_APP = 3


@dataclass(frozen=True)
class Answer:
    kind: str  # "publish" or one of READS
    server: int  # index in the load's URLs
    status: int | None  # None: no answer (refused, dropped, timed out)
    started: float  # time.monotonic()
    ended: float
    retry_after: str | None = None


@dataclass(frozen=True)
class Published:
    app: str
    version: str
    sha256: str


@dataclass
class MixedLoad:
    """``publishers`` threads that publish new versions, ``readers`` threads that read."""

    urls: list[str]
    token: str
    publishers: int = 2
    readers: int = 2
    prefix: str = "last"
    answers: list[Answer] = field(default_factory=list)
    acknowledged: list[Published] = field(default_factory=list)
    #: Every publish sent, by the sha256 of its package, with the status it got (None: no answer).
    sent: dict[str, tuple[Published, int | None]] = field(default_factory=dict)
    _turn: Iterator[int] = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._turn = itertools.cycle(range(len(self.urls)))

    def start(self) -> None:
        workers: list[Callable[[], None]] = [lambda n=n: self._publish_loop(n) for n in range(self.publishers)]
        workers += [lambda n=n: self._read_loop(n) for n in range(self.readers)]
        self._threads = [threading.Thread(target=work, daemon=True) for work in workers]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stopping.set()
        for thread in self._threads:
            thread.join(timeout=TIMEOUT[1] + 5)

    def __enter__(self) -> MixedLoad:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def between(self, start: float, end: float, kind: str | None = None) -> list[Answer]:
        """Answers to requests sent and answered within ``start`` .. ``end`` (monotonic)."""
        with self._lock:
            return [a for a in self.answers if start <= a.started and a.ended <= end
                    and (kind is None or a.kind == kind)]

    def _next_server(self) -> int:
        with self._lock:
            return next(self._turn)

    def _request(self, kind: str, method: str, path: str, session: requests.Session,
                 **kwargs: object) -> requests.Response | None:
        server = self._next_server()
        started = time.monotonic()
        try:
            response: requests.Response | None = session.request(method, self.urls[server] + path,
                                                                 timeout=TIMEOUT, **kwargs)  # type: ignore[arg-type]
        except requests.RequestException:
            response = None
        answer = Answer(kind, server, response.status_code if response is not None else None, started,
                        time.monotonic(), response.headers.get("Retry-After") if response is not None else None)
        with self._lock:
            self.answers.append(answer)
        return response

    def _publish_loop(self, publisher: int) -> None:
        session = requests.Session()
        for turn in itertools.count():
            if self._stopping.is_set():
                return
            # A new app every few versions: its first publish claims the id, which a
            # failed publish must give back.
            app, version = f"{self.prefix}-{publisher}-{turn // VERSIONS_PER_APP}", f"1.0.{turn % VERSIONS_PER_APP}"
            archive = factories.package(factories.manifest(id=app, version=version, name=f"Last {publisher}"))
            response = self._request("publish", "POST", "/api/v1/releases", session,
                                     files={"package": (f"{app}-{version}.tar.gz", archive)},
                                     headers={"Authorization": f"Bearer {self.token}"})
            sha256 = hashlib.sha256(archive).hexdigest()
            with self._lock:
                self.sent[sha256] = (Published(app, version, sha256),
                                     response.status_code if response is not None else None)
            if response is not None and response.status_code == 201:
                assert response.json()["sha256"] == sha256, "the registry acknowledged other bytes than were sent"
                with self._lock:
                    self.acknowledged.append(Published(app, version, sha256))
            elif response is None or response.status_code >= 500:
                time.sleep(0.2)  # as a client that retries would: not a tight loop against a fault

    def _read_loop(self, reader: int) -> None:
        session = requests.Session()
        for turn in itertools.count(reader):
            if self._stopping.is_set():
                return
            with self._lock:
                known = self.acknowledged[-1] if self.acknowledged else None
            kind = READS[turn % len(READS)]
            if known is None and kind not in ("list", "search"):
                kind = "list"
            path = _read_path(kind, known)
            response = self._request(kind, "GET", path, session)
            if response is None or response.status_code >= 500:
                time.sleep(0.05)


def _read_path(kind: str, known: Published | None) -> str:
    if kind == "list":
        return "/api/v1/apps"
    if kind == "search":
        return "/api/v1/apps?q=last"
    assert known is not None
    return {"app": f"/api/v1/apps/{known.app}",
            "page": f"/apps/{known.app}",
            "download": f"/api/v1/apps/{known.app}/releases/{known.version}/package"}[kind]


def missing_or_wrong(url: str, published: Iterable[Published]) -> list[str]:
    """Which acknowledged publishes cannot be downloaded from ``url`` with their sha256."""
    problems = []
    with requests.Session() as session:
        for release in published:
            response = session.get(f"{url}/api/v1/apps/{release.app}/releases/{release.version}/package",
                                   timeout=TIMEOUT)
            if response.status_code != 200:
                problems.append(f"{release.app}@{release.version}: {response.status_code}")
            elif hashlib.sha256(response.content).hexdigest() != release.sha256:
                problems.append(f"{release.app}@{release.version}: other bytes than were acknowledged")
    return problems
