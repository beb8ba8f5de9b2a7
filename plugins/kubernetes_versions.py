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



def version_facts(versions: list[str], every: tuple[str, ...]) -> dict[str, object]:
    """The data of a finding about some of ``every`` version: ``versions`` (a list)
    and ``versionNote``, `` (Kubernetes 1.26-1.28)`` at the end of a message when
    not all of them are affected, else empty (the same words in every language)."""
    note = "" if len(set(versions)) == len(every) else f" (Kubernetes {version_ranges(versions, every)})"
    return {"versions": list(versions), "versionNote": note}
