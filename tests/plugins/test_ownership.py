"""Ownership: only the organisation that owns an app id publishes under it."""

from __future__ import annotations

from plugins.ownership import appstore_verify_manifest
from sdk.hookspecs import RegistryFacts, VerificationContext
from tests import factories


def uploaded_by(uploader: str, app_owner: str | None) -> VerificationContext:
    return VerificationContext(registry=RegistryFacts(uploader=uploader, uploader_kind="cooperation",
                                                      app_owner=app_owner))


def findings(context: VerificationContext, publisher: str = "dimpact") -> set[tuple[str, str]]:
    result = appstore_verify_manifest(manifest=factories.manifest(publisher=publisher), context=context)
    assert all(f.is_error for f in result)
    return {(f.code, f.key) for f in result}


def test_owner_publishes_a_new_version() -> None:
    assert findings(uploaded_by("dimpact", app_owner="dimpact")) == set()


def test_first_publish_claims_the_id() -> None:
    assert findings(uploaded_by("dimpact", app_owner=None)) == set()


def test_publisher_in_the_manifest_must_be_the_token_organisation() -> None:
    assert findings(uploaded_by("wigo4it", app_owner=None)) == {("ownership.publisher-mismatch", "publisher")}


def test_id_owned_by_another_organisation_is_refused() -> None:
    context = uploaded_by("wigo4it", app_owner="dimpact")
    assert findings(context, publisher="wigo4it") == {("ownership.app-owned-elsewhere", "id")}


def test_both_problems_are_reported_together() -> None:
    assert findings(uploaded_by("wigo4it", app_owner="dimpact")) == {
        ("ownership.publisher-mismatch", "publisher"), ("ownership.app-owned-elsewhere", "id")}


def test_offline_check_has_no_owner_to_compare() -> None:
    assert findings(VerificationContext(), publisher="anyone") == set()
