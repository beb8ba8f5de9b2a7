"""A release's images (publiccode.yml logo and screenshots, images in README.md), taken
out of the package once and kept as blobs of their own in the artifact store.

Pages then serve an image straight from the store instead of unpacking the whole
package on every request. Releases published before this existed are extracted
on the first request for one of their images, or by ``appstore-registry fsck --repair``.
"""

from __future__ import annotations

import hashlib
import io
import logging
import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registry.models import Release, ReleaseAsset, utcnow
from registry.services.stored_packages import open_stored_package
from registry.storage import ArtifactStore
from registry.transactions import savepoint
from sdk.package import PUBLICCODE_PATH, PackageView, normalise
from sdk.per_thread import per_thread
from sdk.publiccode import descriptions, publiccode_of

log = logging.getLogger(__name__)

README_PATH = "README.md"
#: Image types a page shows, by extension, with the bytes each must start with.
#: SVG is served too, with a policy that keeps its scripts from running.
IMAGE_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    ".webp": ("image/webp", (b"RIFF",)),
    ".svg": ("image/svg+xml", (b"<", b"\xef\xbb\xbf<")),
}
MAX_IMAGES = 64
MAX_IMAGE_BYTES = 10 * 1024 * 1024
LOGO_KEYS = ("logo", "monochromeLogo")
#: This thread's parser: markdown-it compiles its rule chains in the instance on first use, and
#: a thread that finds them half compiled by another applies no rule (a RuntimeError, or a
#: README whose images go unseen).
_markdown = per_thread(lambda: MarkdownIt("commonmark", {"html": False}))


@dataclass(frozen=True)
class StoredImage:
    path: str
    sha256: str
    content_type: str
    size: int


def package_path(reference: object) -> str | None:
    """The package path a publiccode.yml or README reference names, or ``None`` for a URL,
    an absolute path or a path that leaves the package."""
    if not isinstance(reference, str) or not reference.strip() or len(reference) > 500:
        return None
    text = reference.strip()
    if text.startswith(("/", "\\")) or ":" in text.split("/", 1)[0] or "?" in text or "#" in text:
        return None
    path = normalise(text)
    if path in ("", ".") or path.startswith("../") or path == "..":
        return None
    return path


def image_references(publiccode: Mapping[str, Any] | None, readme: str | None) -> list[str]:
    """The package paths of the images a release's pages show, without duplicates."""
    references: list[object] = []
    if isinstance(publiccode, Mapping):
        references += [publiccode.get(key) for key in LOGO_KEYS]
        for text in descriptions(publiccode).values():
            shots = text.get("screenshots")
            references += shots if isinstance(shots, list) else []
    references += _readme_images(readme)
    paths = (package_path(r) for r in references)
    return list(dict.fromkeys(p for p in paths if p is not None))[:MAX_IMAGES]


def _readme_images(readme: str | None) -> list[str]:
    # Every Markdown image starts with `![` (an escaped `\![` or an entity is no image):
    # a README without one needs no parse.
    if not readme or "![" not in readme:
        return []
    found = []
    for token in _markdown().parse(readme):
        for child in token.children or ():
            if child.type == "image" and isinstance(child.attrGet("src"), str):
                found.append(str(child.attrGet("src")))
    return found


def content_type(path: str, data: bytes) -> str | None:
    """The image's media type, or ``None`` when the name or the bytes are no image we show."""
    known = IMAGE_TYPES.get(posixpath.splitext(path)[1].lower())
    if known is None or not data.startswith(known[1]) or len(data) > MAX_IMAGE_BYTES:
        return None
    if known[0] == "image/webp" and data[8:12] != b"WEBP":
        return None
    return known[0]


def store_images(store: ArtifactStore, package: PackageView) -> list[StoredImage]:
    """Copy the package's images into the store, each under its own sha256."""
    publiccode = publiccode_of(package, PUBLICCODE_PATH)
    stored = []
    for path in image_references(publiccode, package.text(README_PATH)):
        data = package.read(path)
        kind = content_type(path, data) if data is not None else None
        if data is None or kind is None:
            continue  # verification reported it; a page shows no image
        stored.append(StoredImage(path, _put(store, data), kind, len(data)))
    return stored


def _put(store: ArtifactStore, data: bytes) -> str:
    sha256 = hashlib.sha256(data).hexdigest()
    with store.lock(sha256):
        if store.exists(sha256):
            return sha256
        store.write(io.BytesIO(data), expected=sha256)
    return sha256


def attach(release: Release, images: Iterable[StoredImage]) -> None:
    """Record stored images as the release's assets, and that extraction is done."""
    release.assets = [ReleaseAsset(path=i.path, sha256=i.sha256, content_type=i.content_type, size=i.size)
                      for i in images]
    release.assets_extracted_at = utcnow()


class ReleaseAssets:
    """Finds a release's images, extracting them first for releases from before extraction."""

    def __init__(self, session: Session, store: ArtifactStore) -> None:
        self.session = session
        self.store = store

    def find(self, release: Release, path: str) -> ReleaseAsset | None:
        self.ensure_extracted(release)
        wanted = package_path(path)
        return next((a for a in release.assets if a.path == wanted), None)

    def ensure_extracted(self, release: Release) -> bool:
        """Extract once; True when this call did it."""
        if release.assets_extracted_at is not None:
            return False
        images = store_images(self.store, open_stored_package(self.store, release))
        try:
            with savepoint(self.session):
                attach(release, images)
                self.session.flush()
        except IntegrityError:  # another worker extracted it at the same moment: use theirs
            self.session.refresh(release)
            return False
        log.info("extracted %d image(s) of %s %s", len(release.assets), release.app.slug, release.version)
        return True
