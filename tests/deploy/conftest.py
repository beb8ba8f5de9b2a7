"""Fixtures of the package tests: a real S3 server (the platform's object store)."""

from tests.registry.seaweedfs import seaweedfs  # noqa: F401  (SeaweedFS, for the registry the package configures)
