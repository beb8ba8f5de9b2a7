"""The SDK installs and works without anything of the server.

A fresh virtualenv gets the project (not editable) without dependencies, then
only the base ``install_requires`` of setup.cfg; `appstore init`, `check` and
`build` must work there, and Flask and SQLAlchemy must be absent. A server
import that creeps into the SDK, or a dependency a plugin forgot to declare,
fails here and nowhere else.
"""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
# What a source distribution of the project holds; the copy keeps pip's
# in-tree build (build/, *.egg-info) out of the working tree.
COPY_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "venv", "__pycache__", "*.pyc", "build", "dist", "*.egg-info", "instance",
    "node_modules", ".pytest_cache", ".ruff_cache", "tests", "screenshots", "bench",
)


def base_requirements() -> list[str]:
    parser = configparser.ConfigParser()
    parser.read(REPO / "setup.cfg")
    raw = parser["options"]["install_requires"]
    return [line.split("#", 1)[0].strip() for line in raw.splitlines() if line.split("#", 1)[0].strip()]


def _run(*args: str | Path, cwd: Path | None = None, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, args))} failed:\n{done.stdout}\n{done.stderr}"
    return done


def test_sdk_works_in_a_venv_without_the_server(tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(REPO, source, ignore=COPY_IGNORE, symlinks=True)
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv)
    bin_dir = venv / "bin"
    pip = [bin_dir / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    _run(*pip, "--no-deps", source)
    _run(*pip, *base_requirements())

    app = tmp_path / "app"
    _run(bin_dir / "appstore", "init", app, "--id", "sdk-only", "--name", "SDK only",
         "--publisher", "utrecht", "--layer", "service", "--license", "EUPL-1.2")
    _run(bin_dir / "appstore", "check", app)
    built = _run(bin_dir / "appstore", "build", app)
    assert (app / "dist" / "sdk-only-0.1.0.tar.gz").is_file(), built.stdout
    # The SDK says it is typed, so plugin authors' type checkers read its annotations.
    typed = _run(bin_dir / "python", "-c", "import importlib.resources as r; print(r.files('sdk') / 'py.typed')")
    assert Path(typed.stdout.strip()).is_file()

    for server_module in ("flask", "sqlalchemy"):
        probe = subprocess.run([str(bin_dir / "python"), "-c", f"import {server_module}"],
                               capture_output=True, text=True)
        assert probe.returncode != 0, f"{server_module} is importable in the SDK-only venv"
        assert "ModuleNotFoundError" in probe.stderr
