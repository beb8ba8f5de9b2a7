"""Reading a release's stored package back: fetched from the store, checked against its sha256."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from registry.errors import RegistryError
from registry.models import Release
from registry.storage import ArtifactStore
from sdk.archive import open_package, sha256_file
from sdk.package import PackageView


def open_stored_package(store: ArtifactStore, release: Release) -> PackageView:
    """The release's package as a view; an error for the curators when it is damaged."""
    local = store.path(release.artifact_sha256)
    with tempfile.TemporaryDirectory() as folder:
        if local is None:  # an object store: fetch a copy first
            local = Path(folder) / release.artifact.filename
            with store.open(release.artifact_sha256) as source, local.open("wb") as target:
                shutil.copyfileobj(source, target)
        if not local.is_file() or sha256_file(local) != release.artifact_sha256:
            raise RegistryError(f"The stored package of {release.app.slug} {release.version} is damaged; "
                                "tell the registry's curators (appstore-registry fsck).")
        view, _ = open_package(local, filename=release.artifact.filename, sha256=release.artifact_sha256)
    return view
