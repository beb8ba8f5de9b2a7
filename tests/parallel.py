"""How the suite shares out its tests over processes (pytest-xdist; ``make test`` asks for it).

With ``--dist loadgroup`` a test file runs whole on one worker: a module-scoped fixture (a
server of its own, a data dir whose tests build on each other) starts once, and its tests
keep their order. A test marked ``xdist_group`` runs with the rest of its group on one worker,
whatever its file: tests marked ``slow`` form the group ``slow``, so that no two of them
compete with each other for the processor, the browser tests form the group ``browser``,
so that one worker, not each, starts Chromium and the store, and the files on the shared
registry server of tests/e2e/conftest.py form the group ``registry``, so that it starts once.

Balance: a worker takes the next file or group when it is nearly done with its own. xdist
hands them out by number of tests, most first, which puts the few long ones (fault tests,
real servers, a virtualenv) last, where one worker runs them while the others have finished.
So the scopes of ``LONG`` go first, longest first, and the many short files fill in around
them. A new file that starts servers of its own or waits in real time belongs in ``LONG``.
"""

from __future__ import annotations

from xdist.scheduler import LoadGroupScheduling
from xdist.workermanage import WorkerController

#: Files and groups that take a minute or more of one worker, longest first (a scope
#: matches an entry that it equals or, for a folder ending in "/", that it starts with).
LONG = (
    "browser",
    "registry",
    "tests/sdk/test_registry_e2e.py",
    "tests/sdk/test_install_e2e.py",
    "slow",
    "tests/sdk/test_signed_downloads_e2e.py",
    "tests/e2e/",
    "tests/registry/test_admin_cli.py",
    "tests/deploy/test_registry_on_its_platform.py",
)


def rank(scope: str) -> int:
    """Where a scope goes in the queue: its place in ``LONG``, after them all if not there."""
    for place, entry in enumerate(LONG):
        if scope == entry or (entry.endswith("/") and scope.startswith(entry)):
            return place
    return len(LONG)


class FileOrGroupScheduling(LoadGroupScheduling):
    """``loadgroup`` where a test that names no group is in the group of its file, and the
    long scopes are handed out first."""

    _ordered = False

    def _split_scope(self, nodeid: str) -> str:
        group = super()._split_scope(nodeid)
        return nodeid.split("::", 1)[0] if group == nodeid else group

    def _assign_work_unit(self, node: WorkerController) -> None:
        if not self._ordered:  # the queue is complete when the first unit is handed out
            self._ordered = True
            queue = sorted(self.workqueue.items(), key=lambda item: rank(item[0]))  # stable: xdist's order within
            self.workqueue.clear()
            self.workqueue.update(queue)
        super()._assign_work_unit(node)
