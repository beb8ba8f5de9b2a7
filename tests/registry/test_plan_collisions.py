"""Several apps in one environment: a namespace each, per-app values, and collisions a plan names."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests import factories
from tests.conftest import add_organisation
from tests.registry.installs_support import Municipality, bearer, municipality
from tests.registry.test_profiles import profile_yaml, put_profile
from tests.registry.test_publish_api import publish

PROFILE = "gemeentecloud"
INGRESS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {id}
spec:
  rules:
    - host: "${{hostname}}"
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: {{service: {{name: {id}, port: {{number: 80}}}}}}
"""
SETTINGS = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data: {{app: {id}}}
"""
CONFIG = [{"name": "hostname", "required": True, "example": "zaken.example.nl"}]


@pytest.fixture
def town(app: Flask, client: FlaskClient) -> Municipality:
    """Two apps with an Ingress on ``${hostname}`` and a ConfigMap both call `settings`."""
    put_profile(app, profile_yaml(PROFILE, ["1.30"], services=["postgresql"]))
    token = add_organisation(app, "dimpact")
    for app_id in ("zaakportaal", "klantportaal"):
        manifest = factories.manifest(id=app_id, version="1.0.0", name=app_id.title(), config=CONFIG)
        files = factories.package_files(manifest, **{"deploy__ingress.yaml": INGRESS.format(id=app_id),
                                                     "deploy__settings.yaml": SETTINGS.format(id=app_id)})
        response = publish(client, token, factories.tar_gz(files))
        assert response.status_code == 201, response.json
    return municipality(app, client)


def collisions(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in plan["problems"] if p["code"] == "plan.collision"]


def test_a_shared_hostname_gives_two_apps_one_host_and_the_plan_names_both(town: Municipality) -> None:
    town.environment("test", config={"hostname": "portaal.utrecht.nl"})
    town.install("test", "zaakportaal")
    plan = town.plan("test", "klantportaal")
    assert plan["status"] == "blocked"
    (collision,) = collisions(plan)
    assert collision["apps"] == ["zaakportaal", "klantportaal"] and collision["severity"] == "error"
    assert "host portaal.utrecht.nl" in collision["message"] and "appConfig.klantportaal" in collision["message"]
    assert [s["namespace"] for s in plan["steps"]] == ["klantportaal"]  # its own: the ConfigMaps do not clash

    town.client.patch(f"{town.base}/test", json={"appConfig": {"klantportaal": {"hostname": "klant.utrecht.nl"}}},
                      headers=bearer(town.token))
    assert town.plan("test", "klantportaal")["status"] == "ready"


def test_objects_with_one_name_in_a_shared_namespace_collide(town: Municipality) -> None:
    town.environment("test", namespaces={"mode": "shared"}, config={"namespace": "gemeente"},
                     appConfig={"zaakportaal": {"hostname": "zaken.utrecht.nl"},
                                "klantportaal": {"hostname": "klant.utrecht.nl"}})
    town.install("test", "zaakportaal")
    plan = town.plan("test", "klantportaal")
    (collision,) = collisions(plan)
    assert "ConfigMap settings in namespace gemeente" in collision["message"]
    assert collision["apps"] == ["zaakportaal", "klantportaal"]
    assert {s["namespace"] for s in plan["steps"]} == {"gemeente"}


def test_namespaces_are_set_per_environment_and_checked(town: Municipality) -> None:
    created = town.environment("test", namespaces={"prefix": "test-"})
    assert created["namespaces"] == {"mode": "per-app", "prefix": "test-"}
    for bad in ({"mode": "every-app"}, {"prefix": "Test_"}, "shared", {"mode": "shared", "colour": "red"}):
        response = town.client.patch(f"{town.base}/test", json={"namespaces": bad}, headers=bearer(town.token))
        assert response.status_code == 400 and "namespaces" in response.json["detail"]
