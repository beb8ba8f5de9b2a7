"""Version policy: a version that exists or ever existed is never published again."""

from __future__ import annotations

import pytest

from plugins.version_policy import appstore_verify_manifest
from sdk.hookspecs import RegistryFacts, VerificationContext
from tests import factories

OFFLINE = VerificationContext()


def known(*versions: str) -> VerificationContext:
    return VerificationContext(registry=RegistryFacts(
        uploader="dimpact", uploader_kind="cooperation", app_owner="dimpact", known_versions=frozenset(versions)))


def findings(version: object, context: VerificationContext) -> list[tuple[str, str, str]]:
    result = appstore_verify_manifest(manifest=factories.manifest(version=version), context=context)
    return [(f.code, f.severity.value, f.key) for f in result]


def test_new_version_of_a_known_app_passes() -> None:
    assert findings("1.4.1", known("1.3.0", "1.4.0")) == []


def test_existing_version_is_refused() -> None:
    assert findings("1.4.0", known("1.3.0", "1.4.0")) == [("version.exists", "error", "version")]


@pytest.mark.parametrize(("existing", "publishing"), [
    ("1.4.0", "1.4.0+build.7"),
    ("1.4.0+build.7", "1.4.0"),
    ("1.4.0+build.7", "1.4.0+build.8"),
])
def test_build_metadata_does_not_make_a_new_version(existing: str, publishing: str) -> None:
    assert ("version.exists", "error", "version") in findings(publishing, known(existing))


def test_release_after_its_release_candidate_is_a_new_version() -> None:
    assert findings("1.5.0", known("1.5.0-rc.1")) == []


def test_pre_release_is_noted_for_install_plans() -> None:
    assert findings("1.5.0-rc.1", known("1.4.0")) == [("version.prerelease", "info", "version")]


def test_offline_check_knows_no_versions() -> None:
    assert findings("1.4.0", OFFLINE) == []
    assert findings("1.5.0-rc.1", OFFLINE) == [("version.prerelease", "info", "version")]


@pytest.mark.parametrize("version", ["1.4", 1.4, None])
def test_invalid_version_is_left_to_the_schema(version: object) -> None:
    assert findings(version, known("1.4")) == []
