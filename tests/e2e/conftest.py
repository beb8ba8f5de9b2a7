"""Fixtures of the end-to-end tests: a real registry server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.server import RegistryServer, running


@pytest.fixture(scope="session")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegistryServer]:
    """A running registry with organisation `dimpact`, shared by the session's tests: each
    publishes apps of its own, so none depends on what another left behind."""
    server = RegistryServer(tmp_path_factory.mktemp("registry") / "data", environment={"APPSTORE_METRICS": "1"})
    server.setup("dimpact")
    with running(server):
        yield server
