"""Fixtures the registry tests share."""

from tests.registry.installs_support import utrecht  # noqa: F401  (a municipality on the install test catalogue)
