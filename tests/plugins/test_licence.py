"""Licence: a valid SPDX expression, open source unless a vendor sells a closed module."""

from __future__ import annotations

import pytest

from plugins.licence import appstore_verify_manifest
from sdk.findings import Severity
from sdk.hookspecs import RegistryFacts, VerificationContext
from tests import factories

OFFLINE = VerificationContext()


def uploaded_by(kind: str) -> VerificationContext:
    return VerificationContext(registry=RegistryFacts(uploader="uploader", uploader_kind=kind))


COOPERATION = uploaded_by("cooperation")


def codes(licence: object, context: VerificationContext = COOPERATION) -> list[tuple[str, Severity]]:
    findings = appstore_verify_manifest(manifest=factories.manifest(license=licence), context=context)
    assert all(f.key == "license" for f in findings)
    return [(f.code, f.severity) for f in findings]


@pytest.mark.parametrize("licence", [
    "EUPL-1.2", "MIT", "Apache-2.0", "GPL-3.0-or-later", "AGPL-3.0-only", "MPL-2.0", "BSD-3-Clause", "CC0-1.0",
])
def test_open_source_spdx_licences_pass(licence: str) -> None:
    assert codes(licence) == []


@pytest.mark.parametrize("licence", ["Not-A-Licence-1.0", "EUPL 1.2", "Apache 2.0", "LicenseRef-Custom",
                                     "MIT OR", "MIT AND", "(MIT", "MIT)", "MIT MIT", "MIT WITH"])
def test_what_is_no_spdx_expression_is_invalid(licence: str) -> None:
    assert codes(licence) == [("licence.invalid", Severity.ERROR)]


@pytest.mark.parametrize("licence", ["CC-BY-NC-4.0", "CC-BY-NC-ND-4.0", "BUSL-1.1", "SSPL-1.0"])
def test_licences_that_are_not_open_source_are_refused(licence: str) -> None:
    assert codes(licence) == [("licence.not-open-source", Severity.ERROR)]


def test_or_needs_one_open_alternative() -> None:
    assert codes("MIT OR CC-BY-NC-4.0") == []
    assert codes("CC-BY-NC-4.0 OR BUSL-1.1") == [("licence.not-open-source", Severity.ERROR)]


def test_and_needs_every_part_open() -> None:
    assert codes("MIT AND Apache-2.0") == []
    assert codes("MIT AND CC-BY-NC-4.0") == [("licence.not-open-source", Severity.ERROR)]


def test_with_an_exception_is_judged_by_its_licence() -> None:
    assert codes("GPL-2.0-or-later WITH Classpath-exception-2.0") == []
    assert codes("(EUPL-1.2 OR GPL-2.0-only WITH Classpath-exception-2.0) AND MIT") == []
    assert codes("GPL-2.0-only WITH Not-An-Exception") == [("licence.invalid", Severity.ERROR)]


def test_proprietary_module_of_a_vendor_is_accepted_as_commercial() -> None:
    assert codes("LicenseRef-Proprietary", uploaded_by("vendor")) == [("licence.proprietary", Severity.INFO)]


@pytest.mark.parametrize("kind", ["municipality", "cooperation"])
def test_proprietary_module_of_anyone_but_a_vendor_is_refused(kind: str) -> None:
    assert codes("LicenseRef-Proprietary", uploaded_by(kind)) == [
        ("licence.proprietary-not-vendor", Severity.ERROR)]


def test_proprietary_module_checked_offline_is_not_judged_on_its_publisher() -> None:
    assert codes("LicenseRef-Proprietary", OFFLINE) == [("licence.proprietary", Severity.INFO)]


@pytest.mark.parametrize("licence", [None, "", 12])
def test_missing_or_mistyped_licence_is_left_to_the_schema(licence: object) -> None:
    manifest = factories.manifest(license=licence)  # None leaves the key out
    assert appstore_verify_manifest(manifest=manifest, context=OFFLINE) == []


@pytest.mark.parametrize("licence", ["LicenseRef-Proprietary ", "licenseref-proprietary"])
def test_proprietary_in_another_spelling_is_judged_as_proprietary(licence: str) -> None:
    assert codes(licence, uploaded_by("vendor")) == [("licence.proprietary", Severity.INFO),
                                                     ("licence.normalised", Severity.INFO)]
    assert ("licence.proprietary-not-vendor", Severity.ERROR) in codes(licence, COOPERATION)


def test_an_open_licence_in_another_spelling_passes_with_a_note() -> None:
    assert codes("eupl-1.2 ") == [("licence.normalised", Severity.INFO)]


@pytest.mark.parametrize("licence", ["MIT OR LicenseRef-Proprietary", "LicenseRef-Proprietary AND EUPL-1.2"])
def test_proprietary_combined_with_other_licences_is_refused(licence: str) -> None:
    assert codes(licence, uploaded_by("vendor")) == [("licence.proprietary-combined", Severity.ERROR)]
