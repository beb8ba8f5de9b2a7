"""Rules for the top-level keys of a publiccode.yml and its smaller sections."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from plugins.publiccode import formats, languages
from plugins.publiccode.checks import HTTP_URL, URL, check, each, enum, require, require_items
from plugins.publiccode.report import Report
from plugins.publiccode.vocabularies import (
    CATEGORIES,
    DEVELOPMENT_STATUSES,
    SCOPES,
    SOFTWARE_TYPES,
    SUPPORT_ALIASES,
)

CATEGORIES_DOC = "https://github.com/publiccodeyml/publiccode.yml/blob/main/docs/standard/categories-list.rst"
SCOPES_DOC = "https://github.com/publiccodeyml/publiccode.yml/blob/main/docs/standard/scope-list.rst"
ALIASES_DOC = "https://github.com/publiccodeyml/publiccode.yml/blob/main/docs/standard/aliases-list.rst"
IPA_DOC = "https://github.com/publiccodeyml/italian-organizations-ipa-vocabulary"
ITALIAN_PA = "urn:x-italian-pa:"


def check_identity(report: Report, doc: Mapping[str, Any]) -> None:
    """name, url, landingURL, isBasedOn, releaseDate, roadmap, statuses and types."""
    require(report, doc, "name", "")
    url = require(report, doc, "url", "")
    check(report, url, "url", formats.is_url, "invalid-url", URL)
    check(report, doc.get("landingURL"), "landingURL", formats.is_http_url, "invalid-url", HTTP_URL)
    check(report, doc.get("roadmap"), "roadmap", formats.is_http_url, "invalid-url", HTTP_URL)
    each(report, doc.get("isBasedOn") or [], "isBasedOn", formats.is_url, "invalid-url", URL)
    check(report, doc.get("releaseDate"), "releaseDate", formats.is_date, "invalid-date")
    require_items(report, doc, "platforms", "")
    each(
        report,
        doc.get("categories") or [],
        "categories",
        CATEGORIES.__contains__,
        "invalid-category",
        documentation=CATEGORIES_DOC,
    )
    enum(report, require(report, doc, "developmentStatus", ""), DEVELOPMENT_STATUSES, "developmentStatus")
    enum(report, require(report, doc, "softwareType", ""), SOFTWARE_TYPES, "softwareType")
    each(
        report,
        doc.get("inputTypes") or [],
        "inputTypes",
        formats.is_mime_type,
        "invalid-mime-type",
    )
    each(
        report,
        doc.get("outputTypes") or [],
        "outputTypes",
        formats.is_mime_type,
        "invalid-mime-type",
    )


def check_organisations(report: Report, doc: Mapping[str, Any]) -> None:
    """organisation and fundedBy: a URI that identifies each body."""
    organisation = doc.get("organisation")
    if isinstance(organisation, Mapping):
        _organisation_uri(report, require(report, organisation, "uri", "organisation"), "organisation.uri")
    for i, funder in enumerate(doc.get("fundedBy") or []):
        path = f"fundedBy[{i}]"
        _organisation_uri(report, require(report, funder, "uri", path), f"{path}.uri")


def _organisation_uri(report: Report, uri: Any, key: str) -> None:
    if not isinstance(uri, str):
        return
    if uri.lower().startswith(ITALIAN_PA) and formats.is_uri(uri):
        if not formats.is_ipa_code(uri[len(ITALIAN_PA) :]):
            report.error("invalid-ipa-code", key, case="uri", value=uri, documentation=IPA_DOC)
    elif not formats.is_uri(uri):
        report.error("invalid-uri", key, value=uri)


def check_supports(report: Report, doc: Mapping[str, Any]) -> None:
    """supports: regulations and platforms the software supports, as aliases or URIs."""
    for i, item in enumerate(doc.get("supports") or []):
        path = f"supports[{i}]"
        ident = require(report, item, "id", path)
        if not isinstance(ident, str):
            continue
        if ident.startswith("alias:"):
            if ident[len("alias:") :] not in SUPPORT_ALIASES:
                report.error("unknown-alias", f"{path}.id", value=ident, documentation=ALIASES_DOC)
        elif not formats.is_uri(ident):
            report.error("invalid-uri", f"{path}.id", case="id", value=ident)


def check_audience(report: Report, doc: Mapping[str, Any]) -> None:
    """intendedAudience: scopes and ISO 3166-1 country codes (lower case is deprecated)."""
    audience = doc.get("intendedAudience")
    if not isinstance(audience, Mapping):
        return
    each(
        report,
        audience.get("scope") or [],
        "intendedAudience.scope",
        SCOPES.__contains__,
        "invalid-scope",
        documentation=SCOPES_DOC,
    )
    for name in ("countries", "unsupportedCountries"):
        path = f"intendedAudience.{name}"
        for i, code in enumerate(audience.get(name) or []):
            if not formats.is_country(code):
                report.error("invalid-country", f"{path}[{i}]", name=f"{name}[{i}]", value=code)
            elif code == code.lower():
                report.warning("deprecated", f"{path}[{i}]", case="lowercase-country", replacement=code.upper())


def check_legal(report: Report, doc: Mapping[str, Any]) -> None:
    legal = doc.get("legal") or {}
    licence = require(report, legal, "license", "legal")
    if isinstance(licence, str) and not formats.is_spdx_expression(licence):
        report.error("invalid-license", "legal.license", value=licence)


def check_localisation(report: Report, doc: Mapping[str, Any]) -> None:
    localisation = doc.get("localisation") or {}
    if localisation.get("localisationReady") is None:
        report.required("localisation.localisationReady")
    languages_ = localisation.get("availableLanguages")
    if languages_ is None:
        report.required("localisation.availableLanguages")
        return
    if not languages_:
        report.not_empty("localisation.availableLanguages")
    each(
        report,
        languages_,
        "localisation.availableLanguages",
        _available_language,
        "invalid-language",
    )


def _available_language(tag: str) -> bool:
    return languages.is_language_tag(tag, strict=False)


def check_dependencies(report: Report, doc: Mapping[str, Any]) -> None:
    depends = doc.get("dependsOn")
    if not isinstance(depends, Mapping):
        return
    for kind in ("open", "proprietary", "hardware"):
        for i, dependency in enumerate(depends.get(kind) or []):
            require(report, dependency, "name", f"dependsOn.{kind}[{i}]")
