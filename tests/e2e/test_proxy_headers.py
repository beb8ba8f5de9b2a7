"""The real server (gunicorn) believes no forwarded header unless told to, and
builds its links on its public URL whatever Host a client sends."""

from __future__ import annotations

import pytest
import requests

from tests.e2e.server import RegistryServer

# The session's shared registry (tests/e2e/conftest.py) starts once, on the one worker of its group.
pytestmark = pytest.mark.xdist_group("registry")


def test_forwarded_https_from_a_client_is_not_believed(registry: RegistryServer) -> None:
    # gunicorn on its own would take X-Forwarded-Proto from any client on 127.0.0.1.
    response = requests.get(f"{registry.url}/sign-in", timeout=30,
                            headers={"X-Forwarded-Proto": "https", "X-Forwarded-Ssl": "on"})
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers
    assert "secure" not in response.headers["Set-Cookie"].lower()


def test_links_do_not_follow_a_forged_host(registry: RegistryServer) -> None:
    profiles = requests.get(f"{registry.api}/profiles", timeout=30, headers={"Host": "evil.example"}).json()
    links = [p["links"]["self"] for p in profiles["items"]]
    assert links and all(link.startswith(f"{registry.url}/api/v1/profiles/") for link in links), links
