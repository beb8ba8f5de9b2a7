"""The `appstore-registry` command, run as a user would run it.

Its start, its exit status and its one-line errors are seen from a process of its own;
what the commands do is asked in this process (each start of Python costs seconds of
processor on a busy machine), by the same command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from registry.app import create_app
from sdk.manifest import LAYERS
from tests.e2e.server import admin_in_process

BIN = Path(sys.executable).parent


def admin(data_dir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "APPSTORE_DATA_DIR": str(data_dir)}
    env.pop("APPSTORE_DATABASE_URL", None)
    result = subprocess.run([str(BIN / "appstore-registry"), *args], env=env, capture_output=True, text=True,
                            timeout=120)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def here(data_dir: Path, *args: str) -> str:
    """The stdout of ``appstore-registry ARGS`` run in this process; AssertionError if it fails."""
    return admin_in_process(data_dir, *args)


@pytest.fixture(scope="module")
def registry_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("registry")
    admin(data, "init")
    return data


def test_init_creates_database_and_is_repeatable(registry_dir: Path) -> None:
    assert (registry_dir / "registry.db").exists()
    assert "database ready" in admin(registry_dir, "init").stdout


def test_token_is_printed_once_and_stored_hashed(registry_dir: Path) -> None:
    here(registry_dir, "org", "create", "dimpact", "--name", "Dimpact", "--kind", "cooperation")
    secret = here(registry_dir, "token", "create", "--org", "dimpact", "--description", "CI").strip()
    assert secret.startswith("gas_") and len(secret) > 40
    assert secret.encode() not in (registry_dir / "registry.db").read_bytes()
    listing = here(registry_dir, "token", "list", "--org", "dimpact")
    assert secret[:12] in listing and secret not in listing and "active" in listing
    token_id = listing.split("\t", 1)[0]
    here(registry_dir, "token", "revoke", token_id)
    assert "revoked" in here(registry_dir, "token", "list", "--org", "dimpact")


def test_errors_are_one_clear_line(registry_dir: Path) -> None:
    result = admin(registry_dir, "token", "create", "--org", "nobody", check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == "error: There is no organisation `nobody`."
    duplicate = admin(registry_dir, "org", "create", "dimpact", "--name", "X", "--kind", "cooperation", check=False)
    assert duplicate.returncode == 1 and "exists already" in duplicate.stderr


def test_plugins_lists_the_builtin_checks(registry_dir: Path) -> None:
    rows = json.loads(here(registry_dir, "plugins", "--format", "json"))
    names = {row["name"] for row in rows}
    assert {"manifest-schema", "licence", "version-policy", "ownership", "package-layout", "publiccode",
            "decision"} <= names
    assert all(row["builtin"] for row in rows)


def test_demo_loads_verified_apps_in_every_layer_and_fsck_is_clean(registry_dir: Path) -> None:
    first = here(registry_dir, "demo")
    assert "published" in first
    again = here(registry_dir, "demo")
    assert "published" not in again.replace("present", "")
    report = json.loads(here(registry_dir, "fsck", "--format", "json"))
    assert report["clean"] and report["checked"] >= 6
    app = create_app({"DATA_DIR": str(registry_dir), "LOAD_INSTALLED_PLUGINS": False})
    apps = app.test_client().get("/api/v1/apps?pageSize=100").json["items"]
    assert {a["layer"] for a in apps} == set(LAYERS)
    for summary in apps:
        release = app.test_client().get(f"/api/v1/apps/{summary['id']}/releases/{summary['latestVersion']}").json
        assert not [f for f in release["findings"] if f["severity"] == "error"]
        assert any(c["compatible"] for c in release["compatibility"]), summary["id"]
    # Apps that need Redis run on the regional platform, not on plain Haven.
    forms = app.test_client().get("/api/v1/apps/e-formulieren/releases/2.0.0").json
    verdicts = {c["profile"]: c["compatible"] for c in forms["compatibility"]}
    assert verdicts == {"haven": False, "regio-zuid": True}
    yanked = app.test_client().get("/api/v1/apps/notificatiecomponent/releases/1.6.1").json
    assert yanked["status"] == "yanked" and yanked["yank"]["reason"]


# Runs after the demo test above, on its registry.
def test_demo_board_has_the_same_wheel_twice_and_an_initiative_that_became_an_app(registry_dir: Path) -> None:
    client = create_app({"DATA_DIR": str(registry_dir), "LOAD_INSTALLED_PLUGINS": False}).test_client()
    board = {i["title"]: i for i in client.get("/api/v1/initiatives?pageSize=100").json["items"]}
    assert len(board) == 5
    afval = board["Afvalkalender-app voor inwoners"]
    draft = {"initiative": afval["id"], **{key: afval[key] for key in ("title", "problem", "categories", "uses")}}
    similar = client.post("/api/v1/initiatives/similar", json=draft).json
    assert [m["title"] for m in similar["initiatives"]][:1] == ["Afvalwijzer met ophaaldagen en herinnering"]
    loket = board["Persoonlijke omgeving voor inwoners"]
    assert loket["app"] == "mijn-loket" and loket["phase"] == "published"
    assert board["Digitale parkeervergunning voor bezoekers"]["lessonsLearned"]


# Runs after the demo test above: it verifies the demo's releases against a new profile.
def test_profile_add_reverifies_and_list_shows_it(registry_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "small.yaml"
    source.write_text('profileVersion: 1\nid: klein\nname: Klein platform\nkubernetes: ["1.33"]\n'
                      "services: [postgresql]\n")
    added = here(registry_dir, "profile", "add", str(source))
    assert "profile klein added (revision 1)" in added
    assert "zaaktypecatalogus 1.3.1: " in added and "klein runs" in added
    assert "verified" in added
    assert "klein\tactive" in here(registry_dir, "profile", "list")
    here(registry_dir, "profile", "retire", "klein")
    assert "klein\tretired" in here(registry_dir, "profile", "list")
    assert here(registry_dir, "reverify", "--due").strip() == "no profile is due"
