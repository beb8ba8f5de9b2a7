"""The registry as a package in its own format: it passes its own checks, publishes to a
registry with a "runs" verdict on Haven, and installs by an install plan."""

from __future__ import annotations

import configparser
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from sdk.builder import build_package
from sdk.cli import main
from sdk.render import render_text, sample_values
from tests.conftest import add_organisation
from tests.registry.installs_support import Municipality, municipality
from tests.registry.test_publish_api import publish
from tests.registry.test_verdicts import seed_haven

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "deploy" / "gemeente-app-store"
REGIO_ZUID = ROOT / "registry" / "demo" / "profiles" / "regio-zuid.yaml"  # Pod Security restricted
APP = "gemeente-app-store"
CONFIG = {"hostname": "appstore.utrecht.example", "image": "registry.utrecht.example/appstore@sha256:" + "c" * 64,
          "s3Endpoint": "https://s3.utrecht.example", "s3Bucket": "appstore-packages", "replicas": "3"}


def project_version() -> str:
    setup = configparser.ConfigParser()
    setup.read(ROOT / "setup.cfg", encoding="utf-8")
    return setup["metadata"]["version"]


def manifest() -> dict[str, Any]:
    return yaml.safe_load((PACKAGE / "appstore.yaml").read_text(encoding="utf-8"))


def objects(texts: Iterator[str]) -> dict[str, dict[str, Any]]:
    """The Kubernetes objects in rendered deploy/ files, by kind."""
    return {doc["kind"]: doc for text in texts for doc in yaml.safe_load_all(text) if doc}


def test_the_package_carries_the_projects_version() -> None:
    publiccode = yaml.safe_load((PACKAGE / "publiccode.yml").read_text(encoding="utf-8"))
    assert manifest()["version"] == publiccode["softwareVersion"] == project_version()


def test_appstore_check_passes_on_the_profiles_it_claims() -> None:
    result = CliRunner().invoke(main, ["check", str(PACKAGE), "--profile", "haven", "--profile", str(REGIO_ZUID),
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["accepted"] is True
    assert [f for f in report["findings"] if f["severity"] == "error"] == []
    verdicts = {v["profile"]: v for v in report["compatibility"]}
    assert set(verdicts) == {"haven", "regio-zuid"}
    for verdict in verdicts.values():
        assert verdict["runs"] is True and verdict["meetsPolicy"] is True, verdict
        # restricted Pod Security, resources and probes hold everywhere; only the example
        # image's tag is advice (the municipality gives its digest at install time)
        findings = verdict["findings"]
        assert findings["runs"] == findings["policy"] == []
        assert {f["code"] for f in findings["advice"]} <= {"images.mutable-tag"}, findings["advice"]


def test_the_manifests_run_the_registry_as_it_is_documented() -> None:
    """What makes the registry work on the platform, beyond what the checks ask of any app."""
    values = sample_values(manifest())
    files = sorted((PACKAGE / "deploy").iterdir())
    rendered = [render_text(path.read_text(encoding="utf-8"), values) for path in files]
    assert all(r.complete for r in rendered)
    found = objects(r.text for r in rendered)
    assert set(found) == {"Deployment", "Service", "Ingress", "PodDisruptionBudget", "NetworkPolicy"}
    deployment = found["Deployment"]
    assert deployment["spec"]["replicas"] >= 2
    pod = deployment["spec"]["template"]["spec"]
    (migrate,), (registry, webhooks) = pod["initContainers"], pod["containers"]
    assert migrate["args"] == ["init"] and migrate["image"] == registry["image"] == webhooks["image"]
    assert registry["args"][0] == "serve" and webhooks["args"] == ["webhooks", "deliver"]
    assert registry["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert registry["readinessProbe"]["httpGet"]["path"] == "/readyz"
    for container in (migrate, registry, webhooks):
        env = {e["name"]: e for e in container["env"]}
        from_secrets = {name for name, e in env.items() if "secretKeyRef" in e.get("valueFrom", {})}
        assert from_secrets == {"APPSTORE_DATABASE_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                                "APPSTORE_SECRET_KEY", "APPSTORE_TUF_KEY_TARGETS", "APPSTORE_TUF_KEY_SNAPSHOT",
                                "APPSTORE_TUF_KEY_TIMESTAMP"}  # the online signing keys; root stays offline
        assert env["APPSTORE_STORAGE_URL"]["value"].startswith("s3://")
        assert env["APPSTORE_PUBLIC_URL"]["value"] == "https://" + values["hostname"]  # type: ignore[operator]
        assert (env["APPSTORE_LOG_FORMAT"]["value"], env["APPSTORE_METRICS"]["value"]) == ("json", "1")
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
    selector = deployment["spec"]["selector"]["matchLabels"]
    assert found["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"] == selector
    assert found["NetworkPolicy"]["spec"]["podSelector"]["matchLabels"] == selector
    assert found["Service"]["spec"]["selector"] == selector


@pytest.fixture
def client(sqlite_app: Flask) -> FlaskClient:
    seed_haven(sqlite_app)
    return sqlite_app.test_client()


def test_the_built_package_publishes_runs_on_haven_and_installs_by_plan(
        sqlite_app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    built = build_package(PACKAGE, tmp_path)
    assert built.path.name == f"{APP}-{project_version()}.tar.gz"
    token = add_organisation(sqlite_app, manifest()["publisher"])

    response = publish(client, token, built.path.read_bytes(), built.path.name)
    assert response.status_code == 201, response.json
    (haven,) = response.json["compatibility"]
    assert (haven["profile"], haven["runs"], haven["meetsPolicy"]) == ("haven", True, True)

    town: Municipality = municipality(sqlite_app, client)
    town.environment("productie", stage="production", profile="haven", appConfig={APP: CONFIG})
    plan = town.plan("productie", APP)
    assert plan["status"] == "ready", plan["problems"]
    bundle = town.get(f"productie/plans/{plan['id']}/bundle").json
    (item,) = bundle["items"]
    found = objects(f["content"] for f in item["files"])
    deployment = found["Deployment"]
    assert deployment["spec"]["replicas"] == 3
    registry, webhooks = deployment["spec"]["template"]["spec"]["containers"]
    assert registry["image"] == webhooks["image"] == CONFIG["image"]
    assert found["Ingress"]["spec"]["rules"][0]["host"] == CONFIG["hostname"]
    assert town.record("productie", plan).status_code == 201

