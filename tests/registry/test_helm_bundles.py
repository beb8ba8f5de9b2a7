"""Bundles of chart-based releases: rendered for the environment, in install order."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from sdk.installs import write_bundle
from tests import factories, helm_charts
from tests.conftest import add_organisation
from tests.registry.installs_support import municipality
from tests.registry.test_profiles import profile_yaml, put_profile
from tests.registry.test_publish_api import publish

pytest.importorskip("helm_python", reason="helm-python-sdk is not installed (pip install '.[helm]')")

PROFILE = "gemeentecloud"
CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-settings
  namespace: {{ .Release.Namespace }}
data: {replicas: "{{ .Values.replicaCount }}"}
"""
GUARD = '{{ if lt (int .Values.replicaCount) 1 }}{{ fail "replicaCount must be at least 1" }}{{ end }}\n'
#: Only `helm test` creates this Pod: neither verified nor in a bundle.
TEST_HOOK = """\
{apiVersion: v1, kind: Pod, metadata: {name: "{{ .Release.Name }}-smoke", annotations: {"helm.sh/hook": test}},
 spec: {containers: [{name: smoke, image: "registry.example/curl@sha256:{{ repeat 64 "d" }}"}]}}
"""
CONFIG = [
    {"name": "hostname", "required": True, "example": "zaken.example.nl", "helmValue": "ingress.hosts[0].host"},
    {"name": "replicas", "default": "1", "helmValue": "replicaCount"},
]


def publish_chart_release(app: Flask, client: FlaskClient, config: list[dict[str, Any]] = CONFIG,
                          **templates: str) -> None:
    put_profile(app, profile_yaml(PROFILE, ["1.34"], services=["postgresql"]))
    token = add_organisation(app, "dimpact")
    manifest = factories.manifest(id="zaakportaal", version="1.0.0", config=config)
    files = factories.package_files(manifest)
    del files["deploy/deployment.yaml"]
    values = helm_charts.VALUES.format(digest="c" * 64).replace("enabled: false", "enabled: true")
    files.update(helm_charts.in_package(helm_charts.chart(**{
        "values.yaml": values, "templates/configmap.yaml": CONFIGMAP, "templates/tests/smoke.yaml": TEST_HOOK,
        "templates/guard.yaml": GUARD, **templates})))
    response = publish(client, token, factories.tar_gz(files))
    assert response.status_code == 201, [f for f in response.json.get("findings", []) if f["severity"] == "error"]


def plan_and_bundle(app: Flask, client: FlaskClient, config: dict[str, Any],
                    **fields: Any) -> tuple[dict, TestResponse]:
    """A plan for the chart release in an environment with ``config``, and its bundle."""
    publish_chart_release(app, client)
    town = municipality(app, client)
    town.environment("test", config=config, appConfig={"zaakportaal": {"hostname": "zaken.utrecht.nl"}}, **fields)
    plan = town.plan("test", "zaakportaal")
    return plan, town.get(f"test/plans/{plan['id']}/bundle")


def bundle_for(app: Flask, client: FlaskClient, config: dict[str, Any], **fields: Any) -> TestResponse:
    return plan_and_bundle(app, client, config, **fields)[1]


def test_a_chart_is_rendered_with_the_environments_values_in_install_order(app: Flask, client: FlaskClient):
    bundle = bundle_for(app, client, {"replicas": "3"})
    assert bundle.status_code == 200, bundle.json
    (item,) = bundle.json["items"]
    objects = [(f["path"], yaml.safe_load(f["content"])) for f in item["files"]]
    assert [(path, body["kind"]) for path, body in objects] == [
        ("chart/templates/configmap.yaml", "ConfigMap"),
        ("chart/templates/deployment.yaml", "Deployment"),
        ("chart/templates/ingress.yaml", "Ingress"),
    ]  # install order, and the test hook left out
    configmap, deployment, ingress = (body for _, body in objects)
    assert configmap["metadata"] == {"name": "zaakportaal-settings", "namespace": "zaakportaal"}  # its own
    assert item["namespace"] == "zaakportaal"
    assert deployment["metadata"]["name"] == "zaakportaal" and deployment["spec"]["replicas"] == 3
    assert ingress["spec"]["rules"][0]["host"] == "zaken.utrecht.nl"
    assert ingress["spec"]["rules"][0]["http"]["paths"][0]["path"] == "/"


def test_a_shared_namespace_is_the_environments_namespace_value(app: Flask, client: FlaskClient):
    files = bundle_for(app, client, {"namespace": "utrecht-zaken"},
                       namespaces={"mode": "shared"}).json["items"][0]["files"]
    assert yaml.safe_load(files[0]["content"])["metadata"]["namespace"] == "utrecht-zaken"


def test_a_prefix_goes_before_each_apps_namespace(app: Flask, client: FlaskClient):
    item = bundle_for(app, client, {}, namespaces={"prefix": "test-"}).json["items"][0]
    assert item["namespace"] == "test-zaakportaal"
    assert yaml.safe_load(item["files"][0]["content"])["metadata"]["namespace"] == "test-zaakportaal"


def test_values_that_break_the_chart_block_the_plan_with_helms_message(app: Flask, client: FlaskClient):
    plan, bundle = plan_and_bundle(app, client, {"replicas": "0"})
    assert plan["status"] == "blocked"
    (problem,) = [p for p in plan["problems"] if p["code"] == "plan.chart-does-not-render"]
    assert problem["severity"] == "error" and problem["app"] == "zaakportaal"
    assert "replicaCount must be at least 1" in problem["message"]
    assert bundle.status_code == 409  # a blocked plan has no bundle


def test_plans_render_the_chart_with_the_environments_values(app: Flask, client: FlaskClient):
    plan, _ = plan_and_bundle(app, client, {"replicas": "2"})
    assert plan["status"] == "ready"
    assert not [p for p in plan["problems"] if p["code"] == "plan.chart-does-not-render"]


SECRET_TEMPLATE = """\
apiVersion: v1
kind: Secret
metadata: {name: "{{ .Release.Name }}-db"}
data: {password: "{{ (.Values.db | default dict).password | default "" | b64enc }}"}
"""


def test_a_chart_gets_a_marker_for_a_secret_that_the_cli_fills_even_base64_encoded(
        app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    config = [*CONFIG, {"name": "dbPassword", "secret": True, "helmValue": "db.password"}]
    publish_chart_release(app, client, config, **{"templates/secret.yaml": SECRET_TEMPLATE})
    town = municipality(app, client)
    reference = {"secretName": "zaakportaal-db", "key": "password"}
    town.environment("test", appConfig={"zaakportaal": {"hostname": "zaken.utrecht.nl", "dbPassword": reference}})
    plan = town.plan("test", "zaakportaal")
    assert plan["status"] == "ready", plan["problems"]
    bundle = town.get(f"test/plans/{plan['id']}/bundle").json
    (item,) = bundle["items"]
    assert item["secrets"] == [{"name": "dbPassword", "value": "<secret: dbPassword>", "reference": reference}]
    written = write_bundle(bundle, tmp_path, {"dbPassword": "Geheim-123"})
    (secret,) = [yaml.safe_load(p.read_text()) for p in written if p.name == "secret.yaml"]
    assert base64.b64decode(secret["data"]["password"]) == b"Geheim-123"
