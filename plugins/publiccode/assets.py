"""Files the document refers to (logo, screenshots, authorsFile), looked up in the package.

Nothing is fetched: URLs are accepted as written, relative paths must name a file
of the package (for a standalone file: beside it).
"""

from __future__ import annotations

import posixpath
import struct
from collections.abc import Mapping
from typing import Any

from plugins.publiccode import formats
from plugins.publiccode.report import Report
from sdk.package import PackageView, normalise

LOGO_EXTENSIONS = (".svg", ".svgz", ".png")
SCREENSHOT_EXTENSIONS = (".jpg", ".png")
#: The standard asks for 1000px; the reference checker accepts 120px for now.
MIN_LOGO_WIDTH = 120
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def check_assets(report: Report, doc: Mapping[str, Any], package: PackageView) -> None:
    for key in ("logo", "monochromeLogo"):
        path = doc.get(key)
        if path and _relative(report, path, key):
            _logo(report, path, key, package)
    for tag, text in (doc.get("description") or {}).items():
        for i, shot in enumerate(text.get("screenshots") or []):
            key = f"description.{tag}.screenshots[{i}]"
            if _relative(report, shot, key):
                problem = _extension(shot, SCREENSHOT_EXTENSIONS) or _missing(shot, package)
                if problem:
                    report.error("invalid-screenshot", key, path=shot, **problem)
    authors = (doc.get("legal") or {}).get("authorsFile")
    if authors is not None and _relative(report, authors, "legal.authorsFile"):
        if _missing(authors, package):
            report.error("file-missing", "legal.authorsFile", path=authors)


def _relative(report: Report, value: str, key: str) -> bool:
    """True for a relative path to check; URLs are left alone, absolute paths are errors."""
    if value.startswith("/"):
        report.error("absolute-path", key, path=value)
        return False
    if value.startswith("file:"):
        report.error("file-url", key, path=value)
        return False
    return not formats.has_scheme(value)  # a URL: checking it needs the network


def _logo(report: Report, path: str, key: str, package: PackageView) -> None:
    problem = _extension(path, LOGO_EXTENSIONS) or _missing(path, package)
    if problem is None and path.lower().endswith(".png"):
        problem = _png_problem(package.read(path) or b"")
    if problem:
        report.error("invalid-logo", key, path=path, **problem)


#: Why a file is unusable, as finding data: ``case`` names the wording.
Problem = dict[str, Any]


def _extension(path: str, allowed: tuple[str, ...]) -> Problem | None:
    if posixpath.splitext(path)[1].lower() not in allowed:
        return {"case": "extension", "allowed": list(allowed)}
    return None


def _missing(path: str, package: PackageView) -> Problem | None:
    if not package.exists(normalise(path)):
        return {"case": "missing"}
    return None


def _png_problem(data: bytes) -> Problem | None:
    """Why a PNG logo is unusable: not a PNG, or narrower than the minimum."""
    if not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR" or len(data) < 24:
        return {"case": "not-png"}
    width = struct.unpack(">I", data[16:20])[0]
    if width < MIN_LOGO_WIDTH:
        return {"case": "too-narrow", "width": width, "minimum": MIN_LOGO_WIDTH}
    return None
