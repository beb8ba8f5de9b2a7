"""appstore init, check and build as an author runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sdk.cli import authoring, main
from tests import factories
from tests.sdk.helpers import write_project

INIT_FLAGS = ["--id", "mijn-app", "--name", "Mijn App: \"zaken\"", "--publisher", "utrecht",
              "--layer", "process", "--license", "EUPL-1.2"]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_init_writes_a_project_that_passes_check_and_builds(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["init", str(tmp_path / "app"), *INIT_FLAGS])
    assert result.exit_code == 0, result.output
    root = tmp_path / "app"
    names = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert names == [".appstoreignore", "README.md", "appstore.yaml", "deploy/deployment.yaml",
                     "deploy/service.yaml", "publiccode.yml"]
    check = runner.invoke(main, ["check", str(tmp_path / "app"), "--format", "json"])
    assert check.exit_code == 0, check.output
    report = json.loads(check.output)
    assert report["accepted"] is True
    assert [f for f in report["findings"] if f["severity"] == "error"] == []
    assert all(c["compatible"] for c in report["compatibility"]), report["compatibility"]
    built = runner.invoke(main, ["build", str(tmp_path / "app"), "--format", "json"])
    assert built.exit_code == 0, built.output
    data = json.loads(built.output)
    assert Path(data["path"]).name == "mijn-app-0.1.0.tar.gz"
    # check and build agree: the folder check saw the archive build wrote.
    assert data["sha256"] == report["sha256"]


def test_init_never_overwrites_without_force(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("mine")
    result = runner.invoke(main, ["init", str(tmp_path), *INIT_FLAGS])
    assert result.exit_code == 1
    assert "README.md" in result.output and "--force" in result.output
    assert (tmp_path / "README.md").read_text() == "mine"
    assert not (tmp_path / "appstore.yaml").exists(), "nothing is written when anything exists"
    assert runner.invoke(main, ["init", str(tmp_path), *INIT_FLAGS, "--force"]).exit_code == 0
    assert (tmp_path / "README.md").read_text() != "mine"


def test_init_without_terminal_names_the_missing_options(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["init", str(tmp_path), "--id", "mijn-app"])
    assert result.exit_code == 1
    assert "--name, --publisher, --layer, --license" in result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_init_asks_in_a_terminal(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(authoring, "_interactive", lambda: True)
    folder = tmp_path / "open-meldingen"
    # id and name take their defaults from the folder; then publisher, layer, licence.
    result = runner.invoke(main, ["init", str(folder)], input="\n\nden-haag\nintegration\n\n")
    assert result.exit_code == 0, result.output
    text = (folder / "appstore.yaml").read_text()
    assert "id: open-meldingen" in text and "publisher: den-haag" in text and "layer: integration" in text
    assert 'license: "EUPL-1.2"' in text


def test_init_refuses_answers_the_registry_would_refuse(runner: CliRunner, tmp_path: Path) -> None:
    flags = ["--id", "X", "--name", "n", "--publisher", "p", "--layer", "data", "--license", "Nope-1"]
    result = runner.invoke(main, ["init", str(tmp_path), *flags])
    assert result.exit_code == 1
    assert "--id" in result.output and "--publisher" in result.output and "--license" in result.output
    assert list(tmp_path.iterdir()) == []


def test_check_groups_findings_by_file_and_fails_on_errors(runner: CliRunner, tmp_path: Path) -> None:
    root = write_project(tmp_path / "app", layer="nope", license="GPL-9")
    result = runner.invoke(main, ["check", str(root)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "runs on haven"  # the verdict per profile leads
    assert lines[2] == "appstore.yaml"
    assert any("layer:" in line and "[manifest.invalid-layer]" in line for line in lines)
    assert any("license:" in line and "[licence.invalid]" in line for line in lines)
    assert "would reject" in lines[-1]


def test_check_json_carries_every_finding(runner: CliRunner, tmp_path: Path) -> None:
    root = write_project(tmp_path / "app", layer="nope", license="GPL-9")
    result = runner.invoke(main, ["check", str(root), "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["accepted"] is False
    codes = {f["code"] for f in report["findings"]}
    assert {"manifest.invalid-layer", "licence.invalid"} <= codes
    assert set(report["findings"][0]) == {"code", "severity", "message", "key", "plugin", "kind", "data"}


def test_check_sees_only_what_build_packs(runner: CliRunner, tmp_path: Path) -> None:
    root = write_project(tmp_path / "app")
    (root / "appstore.yaml").rename(root / "manifest-draft.yaml")
    (root / "appstore.yaml").write_text((root / "manifest-draft.yaml").read_text())
    (root / ".appstoreignore").write_text("appstore.yaml\n")
    result = runner.invoke(main, ["check", str(root), "--format", "json"])
    assert result.exit_code == 1
    assert "manifest.missing" in {f["code"] for f in json.loads(result.output)["findings"]}


def test_check_a_built_archive(runner: CliRunner, tmp_path: Path) -> None:
    root = write_project(tmp_path / "app")
    assert runner.invoke(main, ["build", str(root)]).exit_code == 0
    result = runner.invoke(main, ["check", str(root / "dist" / "zaakafhandelcomponent-1.4.0.tar.gz")])
    assert result.exit_code == 0, result.output


def test_check_an_unsafe_archive_reports_findings(runner: CliRunner, tmp_path: Path) -> None:
    from tests import factories

    archive = tmp_path / "evil-1.0.0.tar.gz"
    archive.write_bytes(factories.tar_gz(factories.package_files(), links={"deploy/x.yaml": "/etc/passwd"}))
    result = runner.invoke(main, ["check", str(archive), "--format", "json"])
    assert result.exit_code == 1
    assert "archive.link" in {f["code"] for f in json.loads(result.output)["findings"]}


def test_build_prints_path_and_sha256_and_warns_about_secrets(runner: CliRunner, tmp_path: Path) -> None:
    root = write_project(tmp_path / "app")
    (root / ".env").write_text("PASSWORD=x")
    result = runner.invoke(main, ["build", str(root)])
    assert result.exit_code == 0
    assert "left out .env" in result.output
    assert "zaakafhandelcomponent-1.4.0.tar.gz" in result.output
    assert "sha256 " in result.output


@pytest.mark.parametrize("command", [["check"], ["build"], ["publish", "--dry-run"]])
def test_missing_path_is_one_clear_line(runner: CliRunner, tmp_path: Path, command: list[str]) -> None:
    result = runner.invoke(main, [*command, str(tmp_path / "nowhere")])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert "nowhere" in result.output


def test_a_missed_policy_passes_unless_strict(runner: CliRunner, tmp_path: Path) -> None:
    root = tmp_path / "app"
    assert runner.invoke(main, ["init", str(root), *INIT_FLAGS]).exit_code == 0
    deployment = root / "deploy" / "deployment.yaml"
    text = deployment.read_text()
    assert "allowPrivilegeEscalation: false" in text
    deployment.write_text(text.replace("allowPrivilegeEscalation: false", "privileged: true"))
    result = runner.invoke(main, ["check", str(root)])
    assert result.exit_code == 0, result.output
    assert "runs on haven, but does not meet policy pod-security" in result.output
    assert runner.invoke(main, ["check", "--strict", str(root)]).exit_code == 1


def deployment(*changes: tuple[str, str]) -> str:
    text = factories.DEPLOYMENT.format(name="app", digest="a" * 64)
    for old, new in changes:
        assert old in text
        text = text.replace(old, new)
    return text


def project_with(tmp_path: Path, deploy: str) -> Path:
    files = factories.package_files(factories.manifest())
    files["deploy/deployment.yaml"] = deploy.encode()
    return write_project(tmp_path / "app", files)


PRIVILEGED = ("allowPrivilegeEscalation: false", "allowPrivilegeEscalation: false\n            privileged: true")
NO_LIMITS = ('limits: {cpu: "1", memory: 512Mi}', "limits: {}")


def test_check_keeps_runs_policy_and_advice_apart(runner: CliRunner, tmp_path: Path) -> None:
    root = project_with(tmp_path, deployment(PRIVILEGED, NO_LIMITS))
    result = runner.invoke(main, ["check", str(root), "--format", "json"])
    report = json.loads(result.output)
    (haven,) = report["compatibility"]
    assert (haven["runs"], haven["meetsPolicy"], haven["failedPolicies"]) == (True, False, ["pod-security"])
    assert {f["code"] for f in haven["findings"]["policy"]} == {"pod-security.privileged"}
    assert any(f["code"] == "resources.missing-limits" for f in haven["findings"]["advice"])
    assert haven["findings"]["runs"] == []
    assert report["runsNowhere"] is False
    assert result.exit_code == 0  # published as it is: it runs, and the page says which policy it misses
    text = runner.invoke(main, ["check", str(root)]).output.splitlines()
    assert text[0] == "runs on haven, but does not meet policy pod-security"


def test_check_fails_when_the_app_runs_on_no_profile_checked(runner: CliRunner, tmp_path: Path) -> None:
    root = project_with(tmp_path, deployment(("apps/v1", "extensions/v1beta1")))
    result = runner.invoke(main, ["check", str(root)])
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith("It runs on no platform yet, because haven: ")
    assert "does not run on haven" in result.output


def test_check_chooses_profiles_and_kubernetes_versions(runner: CliRunner, tmp_path: Path) -> None:
    root = project_with(tmp_path, deployment())
    own = tmp_path / "eigen.yaml"
    own.write_text('profileVersion: 1\nid: eigen\nname: Eigen\nkubernetes: ["1.30"]\n'
                   "policies:\n  - check: pod-security\n    mode: advisory\n")
    result = runner.invoke(main, ["check", str(root), "--profile", str(own), "--profile", "haven",
                                  "--kubernetes", "1.35", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [c["profile"] for c in json.loads(result.output)["compatibility"]] == ["eigen", "haven"]
    unknown = runner.invoke(main, ["check", str(root), "--profile", "nergens"])
    assert unknown.exit_code == 1 and "no platform profile 'nergens'" in unknown.output
    wrong = runner.invoke(main, ["check", str(root), "--kubernetes", "135"])
    assert wrong.exit_code == 1 and "not a minor version" in wrong.output
