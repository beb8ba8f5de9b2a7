"""How the suite shares out its tests over processes (pytest-xdist; ``make test`` asks for it).

With ``--dist loadgroup`` a test file runs whole on one worker: a module-scoped fixture (a
server of its own, a data dir whose tests build on each other) starts once, and its tests
keep their order. A test marked ``xdist_group`` runs with the rest of its group on one worker,
whatever its file: tests marked ``slow`` form the group ``slow``, so that no two of them
compete with each other for the processor, and the browser tests form the group ``browser``,
so that one worker, not each, starts Chromium and the store.
"""

from __future__ import annotations

from xdist.scheduler import LoadGroupScheduling


class FileOrGroupScheduling(LoadGroupScheduling):
    """``loadgroup`` where a test that names no group is in the group of its file."""

    def _split_scope(self, nodeid: str) -> str:
        group = super()._split_scope(nodeid)
        return nodeid.split("::", 1)[0] if group == nodeid else group

