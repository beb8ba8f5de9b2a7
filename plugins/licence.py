"""Licence: a valid SPDX expression, open source unless a vendor sells a closed module."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from license_expression import ExpressionError

from sdk import hookimpl
from sdk.findings import Finding
from sdk.hookspecs import VerificationContext
from sdk.licences import LicenceError, is_open_source, normalise_licence, validate_spdx
from sdk.manifest import PROPRIETARY_LICENCE

__all__ = ["PLUGIN_NAME", "appstore_verify_manifest", "check_licence", "is_open_source"]

PLUGIN_NAME = "licence"
VENDOR = "vendor"
KEY = "license"


def check_licence(expression: str, uploader_kind: str | None) -> list[Finding]:
    try:
        licence = normalise_licence(expression)
    except LicenceError as exc:
        # The parser's own words (English) stay as they are, in data.
        return [Finding.error("licence.invalid", key=KEY,
                              data={"licence": expression.strip(), "problem": str(exc), "case": "syntax"})]
    normal = licence.expression
    noted = [] if normal == expression else [
        Finding.info("licence.normalised", key=KEY, data={"licence": normal})]
    if normal == PROPRIETARY_LICENCE:
        return _proprietary(uploader_kind) + noted
    if licence.commercial and PROPRIETARY_LICENCE in normal:
        return [Finding.error("licence.proprietary-combined", key=KEY,
                              data={"licence": normal, "proprietary": PROPRIETARY_LICENCE})]
    try:
        # validate() itself crashes (AttributeError) on a dangling operator such as
        # `MIT OR`; normalise_licence() has parsed the syntax already.
        info = validate_spdx(normal, strict=True)
    except ExpressionError as exc:
        return [Finding.error("licence.invalid", key=KEY,
                              data={"licence": normal, "problem": str(exc), "case": "syntax"})]
    if info.errors:
        return [Finding.error("licence.invalid", key=KEY,
                              data={"licence": normal, "problem": "; ".join(info.errors)})]
    if not is_open_source(info.normalized_expression or normal):
        return [Finding.error("licence.not-open-source", key=KEY,
                              data={"licence": normal, "proprietary": PROPRIETARY_LICENCE})]
    return noted


def _proprietary(uploader_kind: str | None) -> list[Finding]:
    if uploader_kind is not None and uploader_kind != VENDOR:
        return [Finding.error("licence.proprietary-not-vendor", key=KEY, data={"licence": PROPRIETARY_LICENCE})]
    return [Finding.info("licence.proprietary", key=KEY, data={"licence": PROPRIETARY_LICENCE})]


@hookimpl(trylast=True)
def appstore_verify_manifest(manifest: Mapping[str, Any], context: VerificationContext) -> list[Finding]:
    expression = manifest.get("license")
    if not isinstance(expression, str) or not expression.strip():
        return []  # the schema check reports a missing or mistyped licence
    kind = context.registry.uploader_kind if context.registry else None
    return check_licence(expression, kind)
