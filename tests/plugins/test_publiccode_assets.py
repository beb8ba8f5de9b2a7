"""Files the document names are looked up in the package, never fetched."""

from __future__ import annotations

import struct
import zlib

import pytest

from sdk.hookspecs import VerificationContext
from sdk.package import PackageView
from sdk.verification import create_plugin_manager, verify_package
from tests.factories import package_files
from tests.plugins.publiccode_support import LONG, document, errors


def png(width: int, height: int = 10) -> bytes:
    """A PNG header of the given size: enough for the width check."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))


def screenshots(*paths: str) -> str:
    items = "\n".join(f"      - {p}" for p in paths)
    return (
        f"\n  nl:\n    shortDescription: Kort\n    longDescription: {LONG}\n    features: [a]\n"
        f"    screenshots:\n{items}"
    )


@pytest.mark.parametrize(
    "logo, files, code",
    [
        ("logo.png", {}, "publiccode.invalid-logo"),
        ("logo.gif", {"logo.gif": b"GIF89a"}, "publiccode.invalid-logo"),
        ("logo.png", {"logo.png": b"not a png"}, "publiccode.invalid-logo"),
        ("logo.png", {"logo.png": png(60)}, "publiccode.invalid-logo"),
        ("/srv/logo.png", {}, "publiccode.absolute-path"),
        ("file:///logo.png", {}, "publiccode.file-url"),
        ("file:logo.png", {}, "publiccode.file-url"),
    ],
)
def test_bad_logos(logo, files, code):
    assert errors(document(logo=f" '{logo}'"), files) == {"logo": code}


@pytest.mark.parametrize(
    "logo, files",
    [
        ("assets/logo.png", {"assets/logo.png": png(600)}),
        ("./logo.svg", {"logo.svg": b"<svg/>"}),
        ("https://example.org/no_such_logo.png", {}),  # a URL: not fetched
    ],
)
def test_good_logos(logo, files):
    assert errors(document(logo=f" '{logo}'"), files) == {}


def test_screenshots_must_be_jpg_or_png_files_in_the_package():
    files = {"img/a.png": png(800), "img/b.jpg": b"\xff\xd8"}
    assert errors(document(description=screenshots("img/a.png", "img/b.jpg")), files) == {}
    found = errors(document(description=screenshots("img/a.png", "img/c.png", "img/b.jpeg")), files)
    assert found == {
        "description.nl.screenshots[1]": "publiccode.invalid-screenshot",
        "description.nl.screenshots[2]": "publiccode.invalid-screenshot",
    }


def test_screenshot_path_cannot_leave_the_package():
    assert errors(document(description=screenshots("../secret.png")), {"secret.png": png(800)}) == {
        "description.nl.screenshots[0]": "publiccode.invalid-screenshot"
    }


def test_authors_file_must_exist():
    legal = "\n  license: EUPL-1.2\n  authorsFile: AUTHORS.txt"
    assert errors(document(legal=legal)) == {"legal.authorsFile": "publiccode.file-missing"}
    assert errors(document(legal=legal), {"AUTHORS.txt": b"x"}) == {}


def test_publiccode_findings_are_part_of_the_release_decision():
    files = package_files(**{"publiccode.yml": document(logo=" missing.png")})
    decision = verify_package(
        create_plugin_manager(installed=False), PackageView(files), VerificationContext()
    )
    ours = [f for f in decision.findings if f.plugin == "publiccode"]
    assert [(f.key, f.code) for f in ours] == [("logo", "publiccode.invalid-logo")]
    assert not decision.accepted
