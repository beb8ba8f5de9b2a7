"""What `appstore init` wrote as an example: a warning offline, refused at publish."""

from __future__ import annotations

import io
from pathlib import Path

from flask.testing import FlaskClient

from sdk.builder import build_package
from sdk.checking import check_path
from sdk.messages import render
from sdk.scaffold import PLACEHOLDER_DIGEST, InitAnswers, scaffold

ANSWERS = InitAnswers(app_id="meldingen-app", name="Meldingen", publisher="dimpact", layer="interaction")


def _publish(client: FlaskClient, token: str, archive: bytes):
    return client.post("/api/v1/releases", data={"package": (io.BytesIO(archive), "app.tar.gz")},
                       headers={"Authorization": f"Bearer {token}"}, content_type="multipart/form-data")


def _codes(findings, severity: str) -> list[tuple[str, str]]:
    return sorted((f["code"], f["key"]) for f in findings if f["severity"] == severity
                  and f["code"].startswith("scaffold."))


def test_a_fresh_project_warns_offline_about_both_leftovers(tmp_path: Path) -> None:
    scaffold(tmp_path / "app", ANSWERS)
    report = check_path(tmp_path / "app")
    leftovers = {f.code: f for f in report.findings if f.code.startswith("scaffold.")}
    assert {code: f.severity.value for code, f in leftovers.items()} == {
        "scaffold.template-summary": "warning", "scaffold.placeholder-digest": "warning"}
    assert report.accepted
    digest = leftovers["scaffold.placeholder-digest"]
    assert digest.key == "deploy/deployment.yaml"
    assert "appstore init" in render(digest.code, digest.data, "en")
    assert "eigen image" in render(digest.code, digest.data, "nl")


def test_the_registry_refuses_the_leftovers_and_takes_the_release_once_replaced(
        tmp_path: Path, client: FlaskClient, token: str) -> None:
    root = tmp_path / "app"
    scaffold(root, ANSWERS)
    refused = _publish(client, token, build_package(root, tmp_path / "dist").path.read_bytes())
    assert refused.status_code == 422, refused.json
    assert _codes(refused.json["findings"], "error") == [
        ("scaffold.placeholder-digest", "deploy/deployment.yaml"), ("scaffold.template-summary", "summary")]
    assert client.get("/api/v1/apps/meldingen-app").status_code == 404

    manifest = root / "appstore.yaml"
    manifest.write_text(manifest.read_text().replace(
        ANSWERS.effective_summary, "Meldingen openbare ruimte ontvangen en afhandelen."))
    deployment = root / "deploy" / "deployment.yaml"
    deployment.write_text(deployment.read_text().replace(PLACEHOLDER_DIGEST, "sha256:" + "ab" * 32))
    accepted = _publish(client, token, build_package(root, tmp_path / "dist").path.read_bytes())
    assert accepted.status_code == 201, accepted.json
    assert _codes(accepted.json["findings"], "error") == _codes(accepted.json["findings"], "warning") == []
