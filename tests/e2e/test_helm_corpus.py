"""Real Common Ground charts, as their maintainers publish them, through the real
CLI and a real registry: rendered by Helm, verified object by object, and given
a compatibility per platform profile.

The charts live in the shared corpus beside the checkout (``../shared/corpus/charts``);
they are read from there, never copied into the project.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import requests
import yaml

from tests.e2e.server import RegistryServer
from tests.e2e.test_http_publish import publish

# The session's shared registry (tests/e2e/conftest.py) starts once, on the one worker of its group.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("registry")]

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
#: chart folder -> (app id, app version, publiccode file of its repository)
CHARTS = {
    "objecten": ("objecten", "3.6.1", "maykinmedia__objects-api.yml"),
    "objecttypen": ("objecttypen", "3.4.0", "maykinmedia__objecttypes-api.yml"),
    "opennotificaties": ("open-notificaties", "1.16.2", "open-zaak__open-notificaties.yml"),
}


def corpus_or_skip() -> Path:
    charts = CORPUS / "charts"
    if charts.is_dir():
        return charts
    if os.environ.get("CI") == "true":
        pytest.fail(f"The chart corpus is missing at {charts}; CI must have ../shared beside the checkout.")
    print(f"skipping: the chart corpus is not at {charts}")
    pytest.skip(f"the chart corpus is not at {charts} (../shared beside the checkout)")


@pytest.fixture(autouse=True)
def _needs_helm() -> None:
    if os.environ.get("CI") != "true":
        pytest.importorskip("helm_python", reason="helm-python-sdk is not installed (pip install '.[helm]')")


def manifest(app_id: str, version: str) -> dict:
    return {
        "manifestVersion": 1, "id": app_id, "version": version, "name": app_id.title(),
        "summary": f"{app_id} as its maintainers ship it, as a Helm chart", "publisher": "dimpact",
        "license": "EUPL-1.2", "layer": "data",
        "config": [
            {"name": "ingress", "default": "true", "helmValue": "ingress.enabled"},
            {"name": "hostname", "example": f"{app_id}.gemeente.example", "helmValue": "ingress.hosts[0].host"},
            {"name": "ingressPath", "default": "/", "helmValue": "ingress.hosts[0].paths[0].path"},
            {"name": "ingressPathType", "default": "Prefix", "helmValue": "ingress.hosts[0].paths[0].pathType"},
            # What these charts take in clear in their values is given as a secret here.
            {"name": "secretKey", "secret": True, "example": "<django secret key>",
             "helmValue": "settings.secretKey"},
            {"name": "databasePassword", "secret": True, "example": "<database password>",
             "helmValue": "settings.database.password"},
        ],
    }


def publiccode_text(name: str) -> str:
    """The repository's publiccode file. Two of them lack ``maintenance.contractors[].until``,
    which the reference checker requires; it is added so that the publish is about the chart."""
    data = yaml.safe_load((CORPUS / "publiccode" / name).read_text(encoding="utf-8"))
    for contractor in (data.get("maintenance") or {}).get("contractors") or []:
        contractor.setdefault("until", "2099-12-31")
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def project(root: Path, chart: str) -> Path:
    app_id, version, publiccode = CHARTS[chart]
    shutil.copytree(corpus_or_skip() / chart, root / "chart")
    (root / "appstore.yaml").write_text(yaml.safe_dump(manifest(app_id, version), sort_keys=False))
    # The name most of these repositories use; accepted with a warning.
    (root / "publiccode.yaml").write_text(publiccode_text(publiccode), encoding="utf-8")
    return root


def build(folder: Path) -> Path:
    appstore = str(Path(sys.executable).parent / "appstore")
    done = subprocess.run([appstore, "build", str(folder)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "HELM_CACHE_HOME": str(folder / "no-helm-cache")})
    assert done.returncode == 0, done.stdout + done.stderr
    return Path(done.stdout.splitlines()[0])


@pytest.mark.parametrize("chart", sorted(CHARTS))
def test_real_chart_is_published_with_its_objects_verified(registry: RegistryServer, tmp_path: Path, chart):
    corpus_or_skip()
    archive = build(project(tmp_path, chart))
    with tarfile.open(archive) as tar:
        members = set(tar.getnames())
    helmignore = CORPUS / "charts" / chart / ".helmignore"
    if helmignore.is_file() and "CHANGELOG.md" in helmignore.read_text().split():
        assert "chart/CHANGELOG.md" not in members  # the maintainers' .helmignore is honoured
    assert "chart/Chart.yaml" in members and "chart/templates/deployment.yaml" in members
    response = publish(registry, archive.read_bytes(), archive.name)
    assert response.status_code == 201, response.text
    app_id, version, _ = CHARTS[chart]
    release = requests.get(f"{registry.api}/apps/{app_id}/releases/{version}", timeout=60).json()
    codes = {f["code"] for f in release["findings"]}
    assert "package.publiccode-yaml" in codes
    assert not codes & {"helm.render-failed", "helm.unavailable", "yaml.syntax"}
    assert release["compatibility"], "a compatibility per platform profile"
    for entry in release["compatibility"]:
        keys = [f["key"] for f in entry["findings"]]
        # The maintainers' own templates and the vendored redis chart are both verified.
        assert any(k.startswith("chart/templates/deployment.yaml[") for k in keys), entry
        assert any(k.startswith("chart/charts/redis/templates/") for k in keys), entry
        assert not any(k.startswith("deploy/") for k in keys)



@pytest.mark.parametrize("chart", sorted(CHARTS))
def test_real_chart_runs_plans_and_bundles_without_a_secret_in_clear(registry: RegistryServer, tmp_path: Path,
                                                                     chart):
    """On a profile that offers what it needs it runs, plans on an environment of that profile,
    and its bundle holds the environment's values and namespace and only markers for secrets."""
    corpus_or_skip()
    app_id, version, _ = CHARTS[chart]
    archive = build(project(tmp_path, chart))
    assert publish(registry, archive.read_bytes(), archive.name).status_code in (201, 409)
    release = requests.get(f"{registry.api}/apps/{app_id}/releases/{version}", timeout=60).json()
    haven = next(c for c in release["compatibility"] if c["profile"] == "haven")
    assert haven["runs"] is True, [(f["severity"], f["message"]) for f in haven["findings"] if f["kind"] == "runs"]
    town = f"gemeente-{app_id}"
    registry.admin("org", "create", town, "--name", town.title(), "--kind", "municipality")
    token = registry.admin("token", "create", "--org", town).stdout.strip()
    headers = {"Authorization": f"Bearer {token}"}
    base = f"{registry.api}/organisations/{town}/environments"
    references = {"secretKey": {"secretName": f"{app_id}-django", "key": "secret-key"},
                  "databasePassword": {"secretName": f"{app_id}-db", "key": "password"}}
    created = requests.post(base, headers=headers, timeout=60, json={
        "name": "productie", "stage": "production", "profile": "haven",
        "appConfig": {app_id: {"hostname": f"{app_id}.utrecht.example", **references}}})
    assert created.status_code == 201, created.text
    plan = requests.post(f"{base}/productie/plans", headers=headers, json={"app": app_id}, timeout=120).json()
    assert plan["status"] == "ready", plan.get("problems")
    (step,) = [s for s in plan["steps"] if s["app"] == app_id]
    assert {s["name"]: s["value"] for s in step["secrets"]} == {
        "secretKey": "<secret: secretKey>", "databasePassword": "<secret: databasePassword>"}
    bundle = requests.get(f"{base}/productie/plans/{plan['id']}/bundle", headers=headers, timeout=120)
    assert bundle.status_code == 200, bundle.text
    (item,) = [i for i in bundle.json()["items"] if i["app"] == app_id]
    assert item["namespace"] == app_id
    documents = [yaml.safe_load(f["content"]) for f in item["files"]]
    ingress = next(d for d in documents if d and d.get("kind") == "Ingress")
    assert ingress["spec"]["rules"][0]["host"] == f"{app_id}.utrecht.example"
    text = bundle.text
    assert "${secret:secretKey}" in text or "secretKey" in json.dumps(item.get("secrets"))
    for reference in references.values():  # a reference names a Secret; no value travels
        assert reference["secretName"] in json.dumps([plan, bundle.json()])
