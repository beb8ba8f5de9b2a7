"""The memory of a gunicorn master's workers, read from /proc (Linux).

RSS counts every page a worker has in memory, the pages it shares with the master and the
other workers (the preloaded app) included; PSS divides each shared page among the processes
that share it, so the workers' PSS add up to what they cost the machine together.
"""

from __future__ import annotations

from pathlib import Path


def workers(master: int) -> list[int]:
    """The process ids of ``master``'s children."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # a process that ended while we looked
        if int(stat.rsplit(")", 1)[1].split()[1]) == master:
            found.append(int(entry.name))
    return found


def _kib(path: Path, field: str) -> int | None:
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith(field):
            return int(line.split()[1]) * 1024
    return None


def workers_rss(master: int) -> dict[int, int]:
    """RSS in bytes of each worker of ``master``."""
    found = {pid: _kib(Path(f"/proc/{pid}/status"), "VmRSS:") for pid in workers(master)}
    return {pid: value for pid, value in found.items() if value is not None}


def workers_pss(master: int) -> dict[int, int]:
    """PSS in bytes of each worker of ``master`` (empty where the kernel does not say)."""
    found = {pid: _kib(Path(f"/proc/{pid}/smaps_rollup"), "Pss:") for pid in workers(master)}
    return {pid: value for pid, value in found.items() if value is not None}


def mib(value: int) -> str:
    return f"{value / 1024 / 1024:.0f} MiB"
