"""Licence: a valid SPDX expression, open source unless a vendor sells a closed module."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from license_expression import ExpressionError, get_spdx_licensing

from sdk import hookimpl
from sdk.findings import Finding
from sdk.hookspecs import VerificationContext
from sdk.licences import LicenceError, is_open_source, normalise_licence
from sdk.manifest import PROPRIETARY_LICENCE

__all__ = ["PLUGIN_NAME", "appstore_verify_manifest", "check_licence", "is_open_source"]

PLUGIN_NAME = "licence"
VENDOR = "vendor"
KEY = "license"


@functools.cache
def _licensing():  # building the licence index takes a moment: do it once
    return get_spdx_licensing()


def check_licence(expression: str, uploader_kind: str | None) -> list[Finding]:
    try:
        licence = normalise_licence(expression)
    except LicenceError as exc:
        return [Finding.error("licence.invalid", f"`{expression.strip()}` is not an SPDX expression: {exc}.", KEY)]
    normal = licence.expression
    noted = [] if normal == expression else [Finding.info(
        "licence.normalised", f"The registry stores the licence as `{normal}`; write it so to silence this.", KEY)]
    if normal == PROPRIETARY_LICENCE:
        return _proprietary(uploader_kind) + noted
    if licence.commercial and PROPRIETARY_LICENCE in normal:
        return [Finding.error(
            "licence.proprietary-combined",
            f"`{normal}` combines {PROPRIETARY_LICENCE} with other licences; a commercial module is under "
            f"{PROPRIETARY_LICENCE} alone, an open-source app names only open-source licences.",
            KEY,
        )]
    try:
        # Syntax first: validate() itself crashes (AttributeError) on a dangling
        # operator such as `MIT OR`, where parse() raises a clean ExpressionError.
        info = _licensing().validate(normal, strict=True)
    except ExpressionError as exc:
        return [Finding.error("licence.invalid", f"`{normal}` is not an SPDX expression: {exc}.", KEY)]
    if info.errors:
        return [Finding.error(
            "licence.invalid",
            f"`{normal}` is not a valid SPDX licence expression ({'; '.join(info.errors)}); "
            "use identifiers from spdx.org/licenses, e.g. EUPL-1.2.",
            KEY,
        )]
    if not is_open_source(info.normalized_expression or normal):
        return [Finding.error(
            "licence.not-open-source",
            f"`{normal}` is not an open-source licence (OSI-approved or FSF-free). "
            f"Choose one such as EUPL-1.2; a vendor's closed module uses {PROPRIETARY_LICENCE}.",
            KEY,
        )]
    return noted


def _proprietary(uploader_kind: str | None) -> list[Finding]:
    if uploader_kind is not None and uploader_kind != VENDOR:
        return [Finding.error(
            "licence.proprietary-not-vendor",
            "Only vendors publish closed modules; publish under an open-source licence "
            "such as EUPL-1.2, or ask a curator to register your organisation as a vendor.",
            KEY,
        )]
    return [Finding.info(
        "licence.proprietary",
        "This is a commercial module: only organisations the vendor entitles can download it.",
        KEY,
    )]


@hookimpl(trylast=True)
def appstore_verify_manifest(manifest: Mapping[str, Any], context: VerificationContext) -> list[Finding]:
    expression = manifest.get("license")
    if not isinstance(expression, str) or not expression.strip():
        return []  # the schema check reports a missing or mistyped licence
    kind = context.registry.uploader_kind if context.registry else None
    return check_licence(expression, kind)
