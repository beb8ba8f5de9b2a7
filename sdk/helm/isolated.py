"""Helm's engine in a child process, with a time limit, a memory limit and an output cap.

The chart's files are written into a private temporary folder (mode 0700,
regular files only, never through a link) for Helm to load; the folder is
removed afterwards. The child gets a bare environment (its own HOME, no
kubeconfig, no Helm settings), so rendering never reads a user's
configuration nor reaches a repository or cluster.
"""

from __future__ import annotations

import json
import os
import posixpath
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sdk.helm import HelmUnavailable, RenderedManifest, RenderFailure, RenderResult, ValueSet
from sdk.helm.worker import MISSING_ENGINE, OUTPUT_TOO_LARGE

WORKER = Path(__file__).resolve().with_name("worker.py")
DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_OUTPUT = 32 * 1024 * 1024
DEFAULT_MAX_MEMORY = 3 * 1024 * 1024 * 1024
_STDERR_SHOWN = 2000
#: Variables a child may keep: where to find programs, and a native library
#: placed by hand on platforms without a prebuilt wheel.
_KEPT_ENV = ("PATH", "HELM_C_LIB", "LANG", "LC_ALL")


class IsolatedRenderer:
    """A :class:`sdk.helm.ChartRenderer` that runs ``worker.py`` once per chart."""

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT, max_output: int = DEFAULT_MAX_OUTPUT,
                 max_memory: int = DEFAULT_MAX_MEMORY, python: Sequence[str] = (sys.executable,)) -> None:
        self.python = tuple(python)
        self.timeout = timeout
        self.max_output = max_output
        self.max_memory = max_memory

    def render(self, chart_files: Mapping[str, bytes], release: str, namespace: str,
               value_sets: Sequence[ValueSet]) -> list[RenderResult]:
        if not value_sets:
            return []
        with tempfile.TemporaryDirectory(prefix="appstore-helm-") as tmp:
            work = Path(tmp)
            chart_dir = work / "chart"
            write_chart(chart_dir, chart_files)
            request = {
                "chart": str(chart_dir), "release": release, "namespace": namespace,
                "valueSets": [v.to_request() for v in value_sets], "maxOutput": self.max_output,
                "maxMemory": self.max_memory, "cpuSeconds": int(self.timeout) + 5,
            }
            (work / "request.json").write_text(json.dumps(request), encoding="utf-8")
            answer = self._run(work)
        results = answer.get("results")
        if not isinstance(results, list) or len(results) != len(value_sets):
            raise RenderFailure("The Helm worker gave an answer that does not match the request.")
        return [_result(value_set, item) for value_set, item in zip(value_sets, results, strict=True)]

    def _run(self, work: Path) -> dict[str, Any]:
        output = work / "output.json"
        home = work / "home"
        home.mkdir()
        env = {name: os.environ[name] for name in _KEPT_ENV if name in os.environ}
        env.update(HOME=str(home), XDG_CONFIG_HOME=str(home), XDG_CACHE_HOME=str(home),
                   XDG_DATA_HOME=str(home), KUBECONFIG=str(home / "none"), GOMAXPROCS="2")
        command = [*self.python, str(WORKER), str(work / "request.json"), str(output)]
        try:
            done = subprocess.run(  # noqa: S603 - our own interpreter and module
                command, env=env, cwd=work, stdin=subprocess.DEVNULL,
                capture_output=True, timeout=self.timeout, check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise RenderFailure(
                f"Helm did not finish rendering within {self.timeout:g} seconds; a template may "
                "loop (range over a huge list, recursive include).", "timeout", int(self.timeout)
            ) from exc
        stderr = done.stderr.decode("utf-8", "replace").strip()
        if done.returncode == MISSING_ENGINE:
            raise HelmUnavailable(stderr[-_STDERR_SHOWN:])
        if done.returncode == OUTPUT_TOO_LARGE:
            raise RenderFailure(
                f"The rendered chart is larger than {self.max_output // 2**20} MiB.", "too-large",
                self.max_output // 2**20)
        if done.returncode != 0:
            raise self._crash(done.returncode, stderr)
        if output.stat().st_size > self.max_output * 2:  # JSON escaping at most doubles most text
            raise RenderFailure("The Helm worker's answer is larger than allowed.", "too-large",
                                self.max_output // 2**20)
        answer: dict[str, Any] = json.loads(output.read_text(encoding="utf-8"))  # the worker writes an object
        return answer


    def _crash(self, status: int, stderr: str) -> RenderFailure:
        """What a crashed child says, in one line, not a goroutine dump."""
        if "out of memory" in stderr[:_STDERR_SHOWN * 4]:
            limit = self.max_memory // 2**20
            return RenderFailure(f"Helm ran out of memory ({limit} MiB) rendering the chart; "
                                 "a template may build an enormous value.", "out-of-memory", limit)
        first = next((line for line in stderr.splitlines()
                      if line.startswith(("fatal error:", "panic:", "Traceback"))), "")
        detail = first or stderr[-_STDERR_SHOWN:] or "no message"
        return RenderFailure(f"Helm stopped with exit status {status}: {detail}")


def _result(value_set: ValueSet, item: Any) -> RenderResult:
    if not isinstance(item, dict):
        raise RenderFailure("The Helm worker gave a malformed answer.")
    if item.get("error"):
        return RenderResult(value_set, error=str(item["error"]))
    manifests = item.get("manifests") or {}
    return RenderResult(value_set, tuple(
        RenderedManifest(_template_path(name), text) for name, text in sorted(manifests.items())
        if _is_manifest(name, text)
    ))


def _template_path(name: str) -> str:
    """``objecten/templates/x.yaml`` (Helm names the chart first) -> ``templates/x.yaml``."""
    return name if name.startswith("crds/") else name.partition("/")[2]


def _is_manifest(name: str, text: str) -> bool:
    """Skip what ``helm template`` leaves out: NOTES.txt, partials, empty output."""
    base = posixpath.basename(name)
    return bool(text.strip()) and base != "NOTES.txt" and not base.startswith("_")


def write_chart(root: Path, files: Mapping[str, bytes]) -> None:
    """Write ``files`` (paths relative to the chart root) below ``root``, refusing escapes."""
    root.mkdir(mode=0o700)
    for name, data in files.items():
        clean = posixpath.normpath(name)
        if clean.startswith(("/", "../")) or clean in (".", "..") or "\\" in name:
            raise RenderFailure(f"The chart file name {name!r} is not a plain relative path.", "bad-path")
        target = root / clean
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # O_EXCL and O_NOFOLLOW: never write through something already there.
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
