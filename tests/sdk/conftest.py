"""Markers of the SDK tests."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "slow: creates a virtualenv and installs packages into it (tens of seconds; "
        "deselect with -m 'not slow')",
    )
