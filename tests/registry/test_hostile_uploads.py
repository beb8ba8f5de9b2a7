"""Hostile uploads over the API: ambiguous archives and outsized work get a clear 422;
bundles ship only what was verified."""

from __future__ import annotations

import gzip
import json

from flask import Flask
from flask.testing import FlaskClient

from sdk import hookimpl
from sdk.budget import current
from tests import factories
from tests.conftest import add_organisation
from tests.registry.installs_support import PROFILE, municipality
from tests.registry.test_profiles import profile_yaml, put_profile, reverify
from tests.registry.test_publish_api import publish, stored_files
from tests.sdk.test_archive_one_reading import archive_of_two_gzip_members
from tests.sdk.test_work_limits import FAN_OUT, configmaps


def problem_codes(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json"
    return [f["code"] for f in response.json["findings"] if f["severity"] == "error"]


def test_an_archive_of_two_gzip_members_is_refused_and_nothing_is_stored(
        app: Flask, client: FlaskClient, token: str) -> None:
    assert problem_codes(publish(client, token, archive_of_two_gzip_members())) == ["archive.multiple-gzip-members"]
    second = factories.package() + gzip.compress(b"more")
    assert problem_codes(publish(client, token, second)) == ["archive.multiple-gzip-members"]
    assert problem_codes(publish(client, token, factories.package() + b"junk")) == ["archive.trailing-data"]
    assert stored_files(app) == []


def test_a_package_past_the_document_limit_is_refused(app: Flask, client: FlaskClient, token: str) -> None:
    app.config["VERIFY_MAX_DOCUMENTS"] = 3
    archive = factories.package(**{"deploy__many.yaml": configmaps(3)})
    assert "package.too-many-documents" in problem_codes(publish(client, token, archive))


def test_an_upload_out_of_time_is_refused(app: Flask, client: FlaskClient, token: str) -> None:
    app.config["VERIFY_TIME_BUDGET_SECONDS"] = -1  # spent before the first check
    assert problem_codes(publish(client, token, factories.package())) == ["verification.too-slow"]


class SlowPlatformCheck:
    """Uses up the upload's time budget during the platform checks."""

    @hookimpl
    def appstore_verify_platform(self, package, profile, context):  # type: ignore[no-untyped-def]
        current().deadline = float("-inf")
        return []


def test_running_out_of_time_in_the_platform_checks_is_a_422_too(
        app: Flask, client: FlaskClient, token: str, register_plugin) -> None:  # type: ignore[no-untyped-def]
    put_profile(app, profile_yaml(PROFILE, ["1.30"]))
    register_plugin(SlowPlatformCheck())
    assert problem_codes(publish(client, token, factories.package())) == ["verification.too-slow"]
    assert client.get("/api/v1/apps/zaakafhandelcomponent/releases/1.4.0").status_code == 404


def test_findings_kept_per_release_are_capped_with_a_summary(app: Flask, client: FlaskClient, token: str) -> None:
    put_profile(app, profile_yaml(PROFILE, ["1.30"]))
    app.config["VERIFY_MAX_FINDINGS_PER_CODE"] = 2
    fan = FAN_OUT.format(aliases=", ".join(["*c"] * 199))  # 200 containers, each with findings
    response = publish(client, token, factories.package(**{"deploy__fan.yaml": fan}))
    assert response.status_code == 201, response.json
    release = client.get("/api/v1/apps/zaakafhandelcomponent/releases/1.4.0").json
    (platform,) = release["compatibility"]
    codes = [f["code"] for f in platform["findings"]]
    assert all(n <= 2 for code, n in _counts(codes).items() if code != "findings.more")
    assert "findings.more" in codes and not platform["compatible"]
    assert len(json.dumps(release)) < 50_000


def _counts(codes: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for code in codes:
        counts[code] = counts.get(code, 0) + 1
    return counts


def test_a_bundle_holds_exactly_the_files_that_were_verified(app: Flask, client: FlaskClient) -> None:
    put_profile(app, profile_yaml(PROFILE, ["1.30"]))
    token = add_organisation(app, "dimpact")
    config_map = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "zaken"}, "data": {"k": "v"}}
    files = factories.package_files(**{"deploy__config.json": json.dumps(config_map),
                                       "deploy__notes.txt": "kubectl apply -f this folder",
                                       "deploy__extra.tgz": factories.tar_gz({"pod.yaml": b"kind: Pod\n"})})
    assert publish(client, token, factories.tar_gz(files)).status_code == 201
    town = municipality(app, client)
    town.environment("test")
    plan = town.plan("test", "zaakafhandelcomponent")
    bundle = town.get(f"test/plans/{plan['id']}/bundle")
    assert bundle.status_code == 200, bundle.json
    (item,) = bundle.json["items"]
    assert [f["path"] for f in item["files"]] == ["config.json", "deployment.yaml"]


def test_a_stored_release_that_runs_out_of_time_when_verified_again_runs_nowhere(
        app: Flask, client: FlaskClient, token: str, register_plugin) -> None:  # type: ignore[no-untyped-def]
    put_profile(app, profile_yaml(PROFILE, ["1.30"]))
    assert publish(client, token, factories.package()).status_code == 201
    register_plugin(SlowPlatformCheck())
    reverify(app)  # no exception: the release is marked, the others go on
    (platform,) = client.get("/api/v1/apps/zaakafhandelcomponent/releases/1.4.0").json["compatibility"]
    assert not platform["compatible"]
    assert [f["code"] for f in platform["findings"]] == ["verification.too-slow"]
