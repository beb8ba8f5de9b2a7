"""Fixtures the registry tests share."""

from tests.registry.advisory_support import published  # noqa: F401  (dimpact's apps, for advisories)
from tests.registry.installs_support import utrecht  # noqa: F401  (a municipality on the install test catalogue)
