"""Kubernetes minor versions as the platform checks name them."""

from __future__ import annotations

Minor = tuple[int, int]


def minor(version: str) -> Minor:
    """``"1.34"`` (or ``"v1.34.0"``) as ``(1, 34)``."""
    major, number = version.lstrip("v").split(".")[:2]
    return int(major), int(number)


def version_ranges(versions: list[str], every: tuple[str, ...]) -> str:
    """``1.34-1.35, 1.37``: runs of neighbouring versions of ``every`` that are in ``versions``."""
    chosen = set(versions)
    runs: list[list[str]] = []
    previous = False
    for version in every:
        if version in chosen:
            if previous:
                runs[-1].append(version)
            else:
                runs.append([version])
        previous = version in chosen
    return ", ".join(run[0] if len(run) == 1 else f"{run[0]}-{run[-1]}" for run in runs)


def only_on(versions: list[str], every: tuple[str, ...], words: str = "Kubernetes") -> str:
    """`` (Kubernetes 1.26-1.28)`` when ``versions`` are not all of ``every``, else nothing."""
    if len(set(versions)) == len(every):
        return ""
    return f" ({words} {version_ranges(versions, every)})"
