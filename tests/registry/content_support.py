"""Packages whose every kind of content can be recognised in a response: deploy files,
screenshots, a logo and a README image, each with bytes found nowhere else."""

from __future__ import annotations

import struct
from typing import Any

import yaml

from tests import factories

SECRET = "acme-deploy-secret-5f1c"  # only in the package's deploy/ files
SECRET_CONFIG = f"""\
apiVersion: v1
kind: ConfigMap
metadata:
  name: acme-settings
data:
  marker: "{SECRET}"
"""
SCREENSHOT = "docs/screenshot.png"
LOGO = "docs/logo.png"
README_IMAGE = "docs/overview.png"


def png(width: int, marker: str) -> bytes:
    """A PNG header wide enough for a logo, followed by bytes that name the image."""
    header = struct.pack(">I", 13) + b"IHDR" + struct.pack(">IIBBBBB", width, 100, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + header + b"\0\0\0\0" + f"image {marker}".encode()


def publiccode_with_images(name: str, licence: str) -> dict[str, Any]:
    document = factories.publiccode(name)
    document["logo"] = LOGO
    document["legal"] = {"license": licence}
    document["description"]["nl"]["screenshots"] = [SCREENSHOT, "https://images.example/remote.png"]
    return document


def images(app_id: str, version: str) -> dict[str, bytes]:
    """The package's images by path; their bytes differ per release."""
    return {path: png(200, f"{app_id} {version} {path}") for path in (SCREENSHOT, LOGO, README_IMAGE)}


def package_with_content(manifest: dict[str, Any]) -> bytes:
    """A valid package with a secret in deploy/, a screenshot, a logo and a README image."""
    files = factories.package_files(manifest, **{"deploy/settings.yaml": SECRET_CONFIG})
    files["publiccode.yml"] = yaml.safe_dump(publiccode_with_images(manifest["name"], manifest["license"].strip()),
                                             sort_keys=False).encode()
    files["README.md"] = f"# {manifest['name']}\n\n![Overview]({README_IMAGE})\n".encode()
    files.update(images(manifest["id"], manifest["version"]))
    return factories.tar_gz(files)


def package_with_svg_logo() -> bytes:
    """An open package whose logo is an SVG with a script in it."""
    files = factories.package_files(factories.manifest())
    document = publiccode_with_images("Zaakafhandelcomponent", "EUPL-1.2")
    document["logo"] = "logo.svg"
    document["description"]["nl"].pop("screenshots")
    files["publiccode.yml"] = yaml.safe_dump(document).encode()
    files["logo.svg"] = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    return factories.tar_gz(files)
