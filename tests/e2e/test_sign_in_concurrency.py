"""Forty wrong passwords at once against a real server (gunicorn, several
workers and threads): no more than the limit get their password checked."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from registry.services.sign_in_limits import SignInLimits
from tests.e2e.server import RegistryServer, running

EVA = "eva@dimpact.example"
PASSWORD = "correct horse battery staple"
ATTEMPTS = 40


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegistryServer]:
    server = RegistryServer(tmp_path_factory.mktemp("sign-in") / "data", workers=3)
    server.setup("dimpact")
    server.admin("user", "create", EVA, "--name", "Eva", "--password", PASSWORD)
    with running(server):
        yield server


def browser(store: RegistryServer) -> tuple[requests.Session, str]:
    """A client with a session cookie and the CSRF token of the sign-in form."""
    client = requests.Session()
    page = client.get(f"{store.url}/sign-in", timeout=30).text
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert found, "no CSRF token on the sign-in page"
    return client, found.group(1)


def test_forty_concurrent_wrong_passwords_get_at_most_the_limit_checked(store: RegistryServer) -> None:
    clients = [browser(store) for _ in range(ATTEMPTS)]
    start = threading.Barrier(ATTEMPTS)

    def guess(i: int) -> int:
        client, token = clients[i]
        start.wait()
        return client.post(f"{store.url}/sign-in", timeout=120, allow_redirects=False, data={
            "email": EVA, "password": f"guess number {i}", "csrf_token": token}).status_code

    with ThreadPoolExecutor(max_workers=ATTEMPTS) as pool:
        statuses = list(pool.map(guess, range(ATTEMPTS)))
    # 401 is an answer after checking the password; 429 one without checking it.
    assert set(statuses) <= {401, 429}, statuses
    assert 1 <= statuses.count(401) <= SignInLimits().per_account_address, statuses
    client, token = browser(store)
    right = client.post(f"{store.url}/sign-in", timeout=30, allow_redirects=False,
                        data={"email": EVA, "password": PASSWORD, "csrf_token": token})
    assert right.status_code == 429  # from this address, even the right password waits now
