"""Garbage collection at safe points: on Python 3.11 a serving process collects from a thread
of its own, never inside another thread's allocation. Each case runs in a fresh interpreter,
since it changes how the whole process collects."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(script: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-X", "faulthandler", "-c", textwrap.dedent(script)], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def test_the_collecting_thread_takes_over_where_python_collects_inside_allocations() -> None:
    result = run("""
        import gc, sys, threading, time, weakref
        from registry.serving import collector

        took_over = collector.start()
        assert took_over == (sys.version_info < (3, 12)), took_over
        assert collector.start() == took_over  # a second call changes nothing
        if not took_over:
            assert gc.isenabled()
            print("left to python"); raise SystemExit
        assert not gc.isenabled()
        assert [t.name for t in threading.enumerate()].count("safe-point-collector") == 1

        class Node:
            pass
        collected = threading.Event()
        for _ in range(5_000):  # cycles only the cyclic collector frees, past its threshold
            a, b = Node(), Node()
            a.other, b.other = b, a
        weakref.finalize(a, collected.set)
        del a, b
        assert collected.wait(10), "the collecting thread never freed the cycles"
        print("collected")
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ("collected" if sys.version_info < (3, 12) else "left to python")


def test_a_generation_is_collected_only_once_its_threshold_is_crossed() -> None:
    result = run("""
        import gc
        from registry.serving.collector import collect_due

        gc.disable()
        gc.set_threshold(100, 2, 2)
        gc.collect()
        assert collect_due() is None  # nothing allocated since
        keep = []

        def allocate():
            keep.extend([] for _ in range(150))

        seen = []
        for _ in range(6):
            allocate()
            seen.append(collect_due())
        # Every 150 allocations the youngest; every second time the middle one instead.
        assert seen == [0, 0, 1, 0, 0, 1], seen
        assert gc.get_count()[2] == 2
        allocate()
        assert collect_due(full_allowed=False) == 0  # a whole-heap pass waits its turn
        allocate()
        assert collect_due() == 2
        assert gc.get_count()[2] == 0
        print("ok")
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


@pytest.mark.slow
def test_threads_rendering_the_results_page_survive_the_collector() -> None:
    """The crash this guards against: on 3.11, eight threads rendering /apps 150 times each
    on 1,000 apps died of a segmentation fault in about half of the runs (a dict resized
    while the collector, run inside it, let another thread in)."""
    result = run("""
        import tempfile, threading
        import bench.results_page as catalogue
        from registry.app import create_app
        from registry.serving import collector

        collector.start()
        with tempfile.TemporaryDirectory() as folder:
            app = create_app({"DATA_DIR": folder, "DATABASE_URL": "", "SECRET_KEY": "threads",
                              "LOAD_INSTALLED_PLUGINS": False})
            catalogue.fill(app, 1_000)
            failures = []

            def browse():
                client = app.test_client()
                for _ in range(150):
                    response = client.get("/apps")  # kept until the next one, as a browser's page is
                    if response.status_code != 200:
                        failures.append(response.status_code)

            threads = [threading.Thread(target=browse) for _ in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            print("answered", 1200 - len(failures), "of 1200")
    """, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "answered 1200 of 1200"
