"""Fixtures the registry tests share."""

from tests.registry.installs_support import utrecht  # noqa: F401  (a municipality on the install test catalogue)
from tests.registry.seaweedfs import seaweedfs, seaweedfs_server  # noqa: F401  (a real S3 server, for the S3 store)
