"""Platform profiles in the registry: the compatibility matrix stays current."""

from __future__ import annotations

import json
from datetime import date, timedelta

from flask import Flask
from flask.testing import FlaskClient

from registry.db import database
from registry.extensions import PLUGINS, STORE
from registry.services.compatibility import CompatibilityService
from registry.services.profiles import ProfileService
from tests import factories
from tests.registry.test_publish_api import publish

HPA_V2BETA2 = """\
apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata:
  name: zaakafhandelcomponent
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: zaakafhandelcomponent}
  minReplicas: 2
  maxReplicas: 5
"""


def profile_yaml(slug: str, versions: list[str], services: list[str] | None = None,
                 policies: str = "[]") -> str:
    return (f"profileVersion: 1\nid: {slug}\nname: Platform {slug}\n"
            f"kubernetes: [{', '.join(repr(v) for v in versions)}]\n"
            f"storage: {{accessModes: [ReadWriteOnce, ReadWriteMany]}}\n"
            f"services: [{', '.join(services or [])}]\npolicies: {policies}\n")


def put_profile(app: Flask, source: str) -> None:
    with database(app).session() as session:
        ProfileService(session).put(source, "test")
        session.commit()


def reverify(app: Flask, today: date | None = None) -> None:
    with database(app).session() as session:
        list(CompatibilityService(session, app.extensions[STORE], app.extensions[PLUGINS]).reverify(today=today))


def matrix(client: FlaskClient, version: str = "1.4.0") -> dict[str, dict]:
    body = client.get(f"/api/v1/apps/zaakafhandelcomponent/releases/{version}").json
    return {entry["profile"]: entry for entry in body["compatibility"]}


def test_removed_api_runs_on_an_old_profile_and_not_on_a_new_one(app: Flask, client: FlaskClient,
                                                                   token: str) -> None:
    put_profile(app, profile_yaml("oud", ["1.25"]))
    put_profile(app, profile_yaml("nieuw", ["1.26", "1.27"]))
    response = publish(client, token, factories.package(**{"deploy__hpa.yaml": HPA_V2BETA2}))
    assert response.status_code == 201, response.json
    rows = matrix(client)
    assert rows["oud"]["compatible"] is True
    assert rows["nieuw"]["compatible"] is False
    removed = [f for f in rows["nieuw"]["findings"] if f["code"] == "kubernetes.removed-api"]
    assert removed and "autoscaling/v2" in removed[0]["message"]
    assert removed[0]["key"].startswith("deploy/hpa.yaml[0]")


def test_impact_lists_apps_that_would_stop_running(app: Flask, client: FlaskClient, token: str) -> None:
    put_profile(app, profile_yaml("oud", ["1.25"]))
    publish(client, token, factories.package(**{"deploy__hpa.yaml": HPA_V2BETA2}))
    impact = client.get("/api/v1/profiles/oud/impact?kubernetes=1.26").json
    assert impact["total"] == 1
    assert impact["affected"][0]["app"] == "zaakafhandelcomponent"
    assert "kubernetes.removed-api" in [f["code"] for f in impact["affected"][0]["findings"]]
    assert client.get("/api/v1/profiles/oud/impact?kubernetes=1.25").json["total"] == 0
    assert client.get("/api/v1/profiles/oud/impact?kubernetes=latest").status_code == 400
    assert client.get("/api/v1/profiles/none/impact?kubernetes=1.30").status_code == 404


def test_a_changed_profile_reverifies_every_release(app: Flask, client: FlaskClient, token: str) -> None:
    put_profile(app, profile_yaml("regio", ["1.30"], services=[]))
    needs_redis = factories.manifest(requires={"platform": {"services": ["redis"]}})
    assert publish(client, token, factories.package(needs_redis)).status_code == 201
    assert matrix(client)["regio"]["compatible"] is False
    put_profile(app, profile_yaml("regio", ["1.30"], services=["redis"]))
    reverify(app)
    row = matrix(client)["regio"]
    assert row["compatible"] is True
    assert client.get("/api/v1/profiles/regio").json["revision"] == 2


def test_binding_date_turns_an_error_into_a_warning_until_the_date(app: Flask, client: FlaskClient,
                                                                    token: str) -> None:
    soon = date.today() + timedelta(days=30)
    put_profile(app, profile_yaml("haven", ["1.30"], policies=f'[{{check: images, bindingFrom: "{soon}"}}]'))
    files = factories.package_files()
    files["deploy/deployment.yaml"] = files["deploy/deployment.yaml"].replace(
        b"@sha256:" + b"a" * 64, b":latest")
    assert publish(client, token, factories.tar_gz(files)).status_code == 201
    row = matrix(client)["haven"]
    assert row["compatible"] is True
    latest = [f for f in row["findings"] if f["code"].startswith("images.")]
    assert latest and latest[0]["severity"] == "warning" and soon.isoformat() in latest[0]["message"]
    with database(app).session() as session:
        service = CompatibilityService(session, app.extensions[STORE], app.extensions[PLUGINS])
        assert service.due(today=date.today()) == []
        assert service.due(today=soon) == ["haven"]
    reverify(app, today=soon)
    assert matrix(client)["haven"]["compatible"] is False


def test_retired_profiles_are_listed_but_no_longer_verified(app: Flask, client: FlaskClient, token: str) -> None:
    put_profile(app, profile_yaml("oud", ["1.30"]))
    with database(app).session() as session:
        ProfileService(session).retire("oud", "test")
        session.commit()
    listed = client.get("/api/v1/profiles").json
    assert [(p["id"], p["status"]) for p in listed["items"]] == [("oud", "retired")]
    publish(client, token, factories.package())
    assert matrix(client) == {}


def test_bad_profile_files_say_what_is_wrong(app: Flask) -> None:
    import pytest

    from registry.errors import RegistryError

    with database(app).session() as session, pytest.raises(RegistryError) as raised:
        ProfileService(session).put("profileVersion: 1\nid: X\nkubernetes: [1.30]\n", "test")
    assert "id" in str(raised.value.detail)


def test_pod_security_level_of_each_profile_decides(app: Flask, client: FlaskClient, token: str) -> None:
    put_profile(app, profile_yaml("streng", ["1.34"]))
    put_profile(app, profile_yaml("los", ["1.34"]) + "podSecurity: baseline\noperators: [cert-manager]\n")
    files = factories.package_files()
    files["deploy/deployment.yaml"] = files["deploy/deployment.yaml"].replace(b"runAsNonRoot: true", b"fsGroup: 1000")
    assert publish(client, token, factories.tar_gz(files)).status_code == 201
    rows = matrix(client)
    assert rows["los"]["compatible"] is True
    assert [f["code"] for f in rows["streng"]["findings"]] == ["pod-security.run-as-non-root"]
    shown = client.get("/api/v1/profiles/los").json
    assert (shown["podSecurity"], shown["operators"]) == ("baseline", ["cert-manager"])
    assert client.get("/api/v1/profiles/streng").json["podSecurity"] == "restricted"


def test_service_and_operator_offers_reach_the_sdk_through_the_api(app: Flask, client: FlaskClient) -> None:
    from sdk.checking import profile_document
    from sdk.profiles import OperatorOffer, ServiceOffer, load_profile

    source = profile_yaml("gis", ["1.34"], services=["redis", '{name: postgresql, version: "16", '
                                                             "extensions: [postgis]}"])
    put_profile(app, source + 'operators: [{name: solr-operator, version: "0.8"}]\npodSecurity: baseline\n')
    entry = client.get("/api/v1/profiles/gis").json
    assert entry["services"] == ["redis", "postgresql"]
    assert entry["serviceOffers"][1] == {"name": "postgresql", "version": "16", "extensions": ["postgis"]}
    profile = load_profile(json.dumps(profile_document(entry)))
    assert profile.offers_of("postgresql") == [ServiceOffer("postgresql", "16", ("postgis",))]
    assert profile.operator_versions("solr-operator") == [OperatorOffer("solr-operator", "0.8")]
    assert profile.pod_security == "baseline"
