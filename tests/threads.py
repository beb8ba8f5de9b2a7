"""Running code from many threads at once, as the threads of one gunicorn worker do."""

from __future__ import annotations

import importlib.util
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import TypeVar

T = TypeVar("T")


def fresh_copy(module: ModuleType) -> ModuleType:
    """``module`` loaded anew, as a worker that has just started has it; the one in use stays."""
    name = f"{module.__name__}__fresh"
    spec = importlib.util.spec_from_file_location(name, module.__file__ or "")
    assert spec is not None and spec.loader is not None
    fresh = importlib.util.module_from_spec(spec)
    sys.modules[name] = fresh  # dataclasses look their module up while it loads
    try:
        spec.loader.exec_module(fresh)
    finally:
        del sys.modules[name]
    return fresh


@contextmanager
def switching_often() -> Iterator[None]:
    """Threads take turns far more often than every 5 ms, so that a race shows in few rounds."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def at_once(work: Callable[[], T], threads: int = 4) -> list[T | BaseException]:
    """What ``work`` gave (or raised) in each of ``threads`` threads started together (four: more
    than the threads of one gunicorn worker)."""
    start = threading.Barrier(threads)
    results: list[T | BaseException] = []

    def run() -> None:
        start.wait()
        try:
            results.append(work())
        except BaseException as failure:  # noqa: BLE001  (the caller compares it)
            results.append(failure)

    running = [threading.Thread(target=run) for _ in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    return results
