"""Rules for ``description``: one section per BCP 47 language tag."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from plugins.publiccode import formats, languages
from plugins.publiccode.checks import HTTP_URL, check, require
from plugins.publiccode.report import Report

MAX_GENERIC_NAME = 35
MAX_SHORT = 150
LONG_RANGE = (150, 10_000)


def check_description(report: Report, doc: Mapping[str, Any]) -> None:
    descriptions = doc.get("description")
    if not descriptions:
        report.not_empty("description")
        return
    bad = [tag for tag in descriptions if not languages.is_language_tag(tag)]
    if bad:
        # The reference checker stops at the keys: sections under a bad tag are not checked.
        report.error("invalid-language", "description", case="description", value=bad)
        return
    for tag, text in descriptions.items():
        _check_language(report, text, f"description.{tag}")


def _check_language(report: Report, text: Mapping[str, Any], path: str) -> None:
    _max_length(report, text.get("genericName"), f"{path}.genericName", MAX_GENERIC_NAME)
    _max_length(
        report, require(report, text, "shortDescription", path), f"{path}.shortDescription", MAX_SHORT
    )
    long = require(report, text, "longDescription", path)
    if isinstance(long, str):
        size = formats.length(long, LONG_RANGE[0])
        if size < LONG_RANGE[0]:
            report.error("too-short", f"{path}.longDescription", name="longDescription",
                         limit=LONG_RANGE[0], length=size)
        _max_length(report, long, f"{path}.longDescription", LONG_RANGE[1])
    check(
        report,
        text.get("documentation"),
        f"{path}.documentation",
        formats.is_http_url,
        "invalid-url",
        HTTP_URL,
    )
    check(
        report,
        text.get("apiDocumentation"),
        f"{path}.apiDocumentation",
        formats.is_http_url,
        "invalid-url",
        HTTP_URL,
    )
    if not text.get("features"):
        report.not_empty(f"{path}.features")
    for i, video in enumerate(text.get("videos") or []):
        key = f"{path}.videos[{i}]"
        if not formats.is_http_url(video):
            report.error("invalid-url", key, name=f"videos[{i}]", value=video)
        if not formats.is_oembed_video(video):
            report.error("invalid-video", key, value=video)


def _max_length(report: Report, value: Any, key: str, limit: int) -> None:
    # Counting stops past the limit, so a huge text costs no more than the limit.
    if isinstance(value, str) and len(value) > limit and formats.length(value, limit) > limit:
        name = key.rsplit(".", 1)[-1]
        if value.isascii():
            report.error("too-long", key, name=name, limit=limit, length=formats.length(value))
        else:  # not counted to the end: the count stopped past the limit
            report.error("too-long", key, name=name, limit=limit, case="over")
