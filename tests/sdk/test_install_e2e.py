"""The real `appstore install`, `installed` and `outdated` against a real registry process."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import yaml

from sdk.client import RegistryClient
from tests import factories
from tests.conftest import create_schema
from tests.e2e.server import RegistryServer, console_script, running
from tests.registry.advisory_support import osv_body
from tests.registry.installs_support import SECRET_TEMPLATE, TEMPLATE
from tests.registry.test_profiles import profile_yaml

pytestmark = pytest.mark.e2e
CONFIG = [{"name": "hostname", "required": True, "example": "zaken.example.nl"}, {"name": "replicas", "default": "2"}]
SECRET_CONFIG = [{"name": "dbPassword", "secret": True, "required": True, "example": "<your password>"}]
REFERENCE = {"secretName": "utrecht-kluis", "key": "password"}
PASSWORD = "Zeer-geheim-42!"


def _publish(client: RegistryClient, folder: Path, app_id: str, version: str, **manifest: object) -> None:
    data = factories.manifest(id=app_id, version=version, name=app_id.title(), **manifest)
    extra = {"deploy__config.yaml": TEMPLATE.format(id=app_id)} if "config" in manifest else {}
    path = folder / f"{app_id}-{version}.tar.gz"
    path.write_bytes(factories.package(data, **extra))
    client.publish(path)


def municipal_registry(base: Path) -> tuple[RegistryServer, str]:
    """A registry (not started) with publisher `dimpact`, profile `gemeentecloud` and municipality
    `utrecht`; the server and a token of utrecht (the server keeps dimpact's)."""
    server = RegistryServer(base / "data", workers=1)
    # The schema straight from the models, not `init`: the subject here is installing,
    # and migrations (tested on their own) may trail the models while they are written.
    server.data_dir.mkdir(parents=True)
    create_schema(f"sqlite:///{server.data_dir / 'registry.db'}")
    server.admin_here("org", "create", "dimpact", "--name", "Dimpact", "--kind", "cooperation")
    server.token = server.admin_here("token", "create", "--org", "dimpact").strip()
    (base / "profile.yaml").write_text(profile_yaml("gemeentecloud", ["1.30"], services=["postgresql"]))
    server.admin_here("profile", "add", str(base / "profile.yaml"))
    server.admin_here("org", "create", "utrecht", "--name", "Gemeente Utrecht", "--kind", "municipality")
    return server, server.admin_here("token", "create", "--org", "utrecht").strip()


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RegistryServer, str]]:
    base = tmp_path_factory.mktemp("installs")
    server, town = municipal_registry(base)
    with running(server):
        publisher = RegistryClient(server.url, server.token)
        _publish(publisher, base, "open-notificaties", "1.4.0")
        _publish(publisher, base, "zaakportaal", "1.0.0", config=CONFIG,
                 requires={"apps": [{"id": "open-notificaties", "version": "^1.4"}]})
        kluis = factories.manifest(id="kluis", version="1.0.0", name="Kluis", config=SECRET_CONFIG)
        (base / "kluis.tar.gz").write_bytes(factories.package(kluis, **{"deploy__secret.yaml": SECRET_TEMPLATE}))
        publisher.publish(base / "kluis.tar.gz")
        for name in ("test", "acceptatie"):
            environment = {"name": name, "stage": "test", "profile": "gemeentecloud",
                           "appConfig": {"zaakportaal": {"hostname": "zaken.utrecht.nl"}, "kluis": {
                               "dbPassword": REFERENCE}}}
            created = requests.post(f"{server.api}/organisations/utrecht/environments", json=environment,
                                    headers={"Authorization": f"Bearer {town}"}, timeout=30)
            assert created.status_code == 201, created.text
        yield server, town


@pytest.fixture
def appstore(registry: tuple[RegistryServer, str], tmp_path: Path):  # type: ignore[no-untyped-def]
    server, town = registry
    env = {k: v for k, v in os.environ.items() if not k.startswith("APPSTORE_")}
    env.update(APPSTORE_REGISTRY=server.url, APPSTORE_TOKEN=town, APPSTORE_CONFIG=str(tmp_path / "config.json"))

    def run(*args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([console_script("appstore"), *args], cwd=tmp_path, env={**env, **extra_env},
                              capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    return run


def test_install_writes_rendered_manifests_in_order_and_records_them(appstore, registry, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    refused = appstore("install", "zaakportaal", "--env", "utrecht/test")
    assert refused.returncode == 1 and "--yes" in refused.stderr and "Traceback" not in refused.stderr
    in_dutch = appstore("install", "zaakportaal", "--env", "utrecht/test", APPSTORE_LANGUAGE="nl")
    assert "Niet bevestigd" in in_dutch.stderr

    done = appstore("install", "zaakportaal@^1.0", "--env", "utrecht/test", "--yes", "--output", "out")
    assert done.returncode == 0, done.stderr
    assert "install   open-notificaties 1.4.0" in done.stdout
    folders = sorted(p.name for p in (tmp_path / "out").iterdir() if p.is_dir())
    assert folders == ["01-open-notificaties", "02-zaakportaal"]
    config_map = yaml.safe_load((tmp_path / "out" / "02-zaakportaal" / "config.yaml").read_text())
    assert config_map["data"] == {"host": "zaken.utrecht.nl", "replicas": "2"}
    plan = json.loads((tmp_path / "out" / "plan.json").read_text())
    assert all(len(item["sha256"]) == 64 for item in plan["items"])

    listed = json.loads(appstore("installed", "--env", "utrecht/test", "--format", "json").stdout)
    assert [(i["app"], i["version"]) for i in listed["items"]] == [("open-notificaties", "1.4.0"),
                                                                   ("zaakportaal", "1.0.0")]
    assert "Nothing to install" in appstore("install", "zaakportaal", "--env", "utrecht/test", "--yes").stdout
    assert "Wrote the manifests of 2 apps to out" in done.stdout and "as installed in utrecht/test." in done.stdout
    assert "up to date" in appstore("outdated", "--env", "utrecht/test").stdout


def test_install_speaks_the_readers_language(appstore, registry, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    done = appstore("install", "open-notificaties", "--env", "utrecht/acceptatie", "--yes", "--output", "nl",
                    APPSTORE_LANGUAGE="nl")
    assert done.returncode == 0, done.stderr
    assert "De manifesten van 1 app zijn geschreven naar nl" in done.stdout
    assert "is vastgelegd als geïnstalleerd in utrecht/acceptatie." in done.stdout
    again = appstore("install", "open-notificaties", "--env", "utrecht/acceptatie", "--yes", APPSTORE_LANGUAGE="nl")
    assert "Niets te installeren: utrecht/acceptatie heeft wat open-notificaties nodig heeft." in again.stdout


def test_outdated_names_newer_releases(appstore, registry, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server, _ = registry
    _publish(RegistryClient(server.url, server.token), tmp_path, "open-notificaties", "1.5.0")
    appstore("install", "open-notificaties@1.4.0", "--env", "utrecht/test", "--yes")
    data = json.loads(appstore("outdated", "--env", "utrecht/test", "--format", "json").stdout)
    assert {i["app"]: i["minor"] for i in data["items"]}["open-notificaties"] == "1.5.0"
    assert "minor 1.5.0" in appstore("outdated", "--env", "utrecht/test").stdout


def test_outdated_reports_an_advisory_and_fails_until_it_is_withdrawn(appstore, registry, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server, _ = registry
    publisher = RegistryClient(server.url, server.token)
    for version in ("1.0.0", "1.0.1"):
        _publish(publisher, tmp_path, "meldpunt", version)
    assert appstore("install", "meldpunt@1.0.0", "--env", "utrecht/acceptatie", "--yes").returncode == 0
    headers = {"Authorization": f"Bearer {server.token}"}
    advisory = requests.post(f"{server.api}/advisories", json=osv_body("meldpunt", fixed="1.0.1"), headers=headers,
                             timeout=30).json()

    text = appstore("outdated", "--env", "utrecht/acceptatie")
    assert text.returncode == 1
    assert f"{advisory['id']} (critical)" in text.stdout and "fixed in 1.0.1; upgrade to 1.0.1" in text.stdout
    as_json = appstore("outdated", "--env", "utrecht/acceptatie", "--format", "json")
    assert as_json.returncode == 1
    item = next(i for i in json.loads(as_json.stdout)["items"] if i["app"] == "meldpunt")
    assert [(a["id"], a["fixed"]) for a in item["advisories"]] == [(advisory["id"], "1.0.1")]

    requests.post(f"{server.api}/advisories/{advisory['id']}/withdraw", headers=headers, timeout=30)
    assert appstore("outdated", "--env", "utrecht/acceptatie").returncode == 0


def test_errors_are_one_clear_line(appstore) -> None:  # type: ignore[no-untyped-def]
    for args, phrase in [
        (("install", "bestaat-niet", "--env", "utrecht/test", "--yes"), "There is no app `bestaat-niet`"),
        (("installed", "--env", "utrecht/productie"), "has no environment `productie`"),
        (("installed", "--env", "dimpact/test"), "403"),
        (("installed", "--env", "utrecht"), "Write ORG/ENV"),
    ]:
        done = appstore(*args)
        assert done.returncode == 1, done.stdout
        assert phrase in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_install_fills_secrets_from_a_file_or_an_environment_variable(appstore, registry, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server, _ = registry
    refused = appstore("install", "kluis", "--env", "utrecht/test", "--yes", "--output", "out")
    assert refused.returncode == 1 and "dbPassword" in refused.stderr and "--secret" in refused.stderr
    assert not (tmp_path / "out").exists()  # nothing half-written

    (tmp_path / "password.txt").write_text(PASSWORD + "\n")
    done = appstore("install", "kluis", "--env", "utrecht/test", "--yes", "--output", "out",
                    "--secret", "dbPassword=@password.txt")
    assert done.returncode == 0, done.stderr
    written = tmp_path / "out" / "01-kluis" / "secret.yaml"
    assert yaml.safe_load(written.read_text())["stringData"] == {"password": PASSWORD}
    assert written.stat().st_mode & 0o777 == 0o600
    assert "kubectl apply -n kluis" in done.stdout  # its own namespace

    by_env = appstore("install", "kluis", "--env", "utrecht/acceptatie", "--yes", "--output", "acc",
                      APPSTORE_SECRET_DBPASSWORD=PASSWORD)
    assert by_env.returncode == 0, by_env.stderr
    assert PASSWORD in (tmp_path / "acc" / "01-kluis" / "secret.yaml").read_text()
    plan = json.loads((tmp_path / "acc" / "plan.json").read_text())
    assert plan["items"][0]["secrets"] == [{"name": "dbPassword", "value": "<secret: dbPassword>",
                                            "reference": REFERENCE}]
    # The registry never saw the value: not in its database, not in its log.
    assert PASSWORD.encode() not in (server.data_dir / "registry.db").read_bytes()
    assert PASSWORD not in server.log_path.read_text(errors="replace")
