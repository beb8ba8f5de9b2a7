"""Reading a release's stored package back: streamed from the store into a temporary
work copy, hashed on the way, and opened only when it is the package that was published."""

from __future__ import annotations

import tempfile
from pathlib import Path

from registry.errors import RegistryError
from registry.models import Release
from registry.storage import ArtifactStore, copy_hashing
from sdk.archive import open_package
from sdk.package import PackageView


def open_stored_package(store: ArtifactStore, release: Release) -> PackageView:
    """The release's package as a view; an error for the curators when it is missing or damaged."""
    with tempfile.TemporaryDirectory(prefix="appstore-") as folder:
        local = Path(folder) / "package.tar.gz"
        try:
            with store.open(release.artifact_sha256) as source, local.open("wb") as target:
                copied, _ = copy_hashing(source, target)
        except FileNotFoundError:
            copied = None
        if copied != release.artifact_sha256:
            raise RegistryError(f"The stored package of {release.app.slug} {release.version} is damaged; "
                                "tell the registry's curators (appstore-registry fsck).")
        view, _ = open_package(local, filename=release.artifact.filename, sha256=release.artifact_sha256)
    return view
