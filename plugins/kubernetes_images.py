"""Container images pinned by digest.

A digest names exactly the image that was verified; a tag can be moved to
other content after verification. ``latest`` (or no tag, which means latest)
changes with every push of the image and is an error; another tag without a
digest is a warning.
"""

from __future__ import annotations

import re

from plugins.kubernetes_objects import Container, KubeObject, containers, workloads
from sdk import hookimpl
from sdk.findings import Finding
from sdk.hookspecs import VerificationContext
from sdk.package import PackageView
from sdk.profiles import PlatformProfile

PLUGIN_NAME = "images"
DIGEST = re.compile(r"^(sha256:[0-9a-f]{64}|sha384:[0-9a-f]{96}|sha512:[0-9a-f]{128})$")


@hookimpl(trylast=True)
def appstore_verify_platform(
    package: PackageView, profile: PlatformProfile, context: VerificationContext
) -> list[Finding]:
    findings: list[Finding] = []
    for obj, field, spec in workloads(package):
        for container in containers(field, spec):
            finding = check_image(obj, container)
            if finding is not None:
                findings.append(finding)
    return findings


def own_images(package: PackageView) -> set[str]:
    """Image repositories (without tag or digest) that the package's own workloads run."""
    images = set()
    for _, field, spec in workloads(package):
        for container in containers(field, spec):
            image = container.body.get("image")
            if isinstance(image, str):
                images.add(split_image(image.strip())[0])
    return images


def split_image(image: str) -> tuple[str, str | None, str | None]:
    """``registry/path:tag@digest`` as (name, tag, digest); a port is not a tag."""
    name, _, digest = image.partition("@")
    last = name.rsplit("/", 1)[-1]
    tag = None
    if ":" in last:
        name, tag = name.rsplit(":", 1)
    return name, tag, digest or None


def check_image(obj: KubeObject, container: Container) -> Finding | None:
    image = container.body.get("image")
    where = container.at("image")
    who = f"container `{container.name}`"
    if not isinstance(image, str) or not image.strip():
        return obj.error("images.missing", where, f"{who} names no image; set `image`.")
    name, tag, digest = split_image(image.strip())
    if digest is not None:
        if DIGEST.match(digest):
            return None
        return obj.error("images.invalid-digest", where,
                         f"{who}: `{digest}` is not a valid digest; use sha256: and 64 hex digits.")
    if tag is None or tag == "latest":
        said = "has no tag, which means `latest`" if tag is None else "uses the tag `latest`"
        return obj.error("images.latest", where,
                         f"{who} {said}, which changes with every push; pin it by digest: "
                         f"{name}@sha256:<digest> (see `docker buildx imagetools inspect`).")
    return obj.warning("images.mutable-tag", where,
                       f"{who} uses the tag `{tag}`, which can be moved to other content; pin it by "
                       f"digest: {name}:{tag}@sha256:<digest>.")
