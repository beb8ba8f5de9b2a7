"""The registry runs as its own package tells a platform to run it: the pod's environment and
commands from deploy/, with its Secrets filled in, against a real PostgreSQL and a real
S3 server (SeaweedFS). The init container migrates, the server answers its probes, and it
takes its own package. Only the address differs: 127.0.0.1 on a free port, not 0.0.0.0:8000."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)
from securesystemslib.signer import CryptoSigner
from tuf.api.metadata import SuccinctRoles

from registry.signing import ONLINE_ROLES
from sdk.builder import build_package
from sdk.render import render_text, sample_values
from tests.conftest import add_organisation, make_app
from tests.e2e.server import COMMAND_TIMEOUT, HOST, RegistryServer, console_script, registry_environment, running
from tests.postgres import PostgresServer
from tests.registry.seaweedfs import BUCKET

pytestmark = [pytest.mark.e2e, pytest.mark.postgresql]

PACKAGE = Path(__file__).resolve().parents[2] / "deploy" / "gemeente-app-store"
HOSTNAME = "appstore.test.example"


def pod_spec(s3_endpoint: str) -> dict[str, Any]:
    manifest = yaml.safe_load((PACKAGE / "appstore.yaml").read_text(encoding="utf-8"))
    values = sample_values(manifest) | {"hostname": HOSTNAME, "s3Endpoint": s3_endpoint, "s3Bucket": BUCKET,
                                        "workers": "1"}  # one is enough to answer; each costs a start
    rendered = render_text((PACKAGE / "deploy" / "deployment.yaml").read_text(encoding="utf-8"), values)
    assert rendered.complete
    return yaml.safe_load(rendered.text)["spec"]["template"]["spec"]


def container_environment(container: dict[str, Any], secrets: dict[str, dict[str, str]],
                          mounts: dict[str, Path]) -> dict[str, str]:
    """The container's env as the kubelet makes it: Secret keys read, mount paths moved to ``mounts``."""
    env = {}
    for entry in container["env"]:
        if "valueFrom" in entry:
            ref = entry["valueFrom"]["secretKeyRef"]
            env[entry["name"]] = secrets[ref["name"]][ref["key"]]
        else:
            value = entry["value"]
            env[entry["name"]] = str(mounts.get(value, value))
    return env


@pytest.fixture
def pod(tmp_path: Path, postgres_server: PostgresServer, seaweedfs: str) -> Iterator[dict[str, Any]]:
    spec = pod_spec(seaweedfs)
    database = postgres_server.create_database()
    secrets = {
        "gemeente-app-store-database": {"url": postgres_server.url(database)},
        "gemeente-app-store-s3": {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"},
        "gemeente-app-store-session": {"key": "a-session-key-every-replica-shares"},
        "gemeente-app-store-tuf": {f"{role}.pem": signing_key_pem() for role in ONLINE_ROLES},
    }
    volumes = {m["mountPath"]: tmp_path / m["name"] for m in spec["containers"][0]["volumeMounts"]}
    for folder in volumes.values():
        folder.mkdir(mode=0o700)
    yield {"spec": spec, "volumes": volumes,
           "env": {c["name"]: container_environment(c, secrets, volumes)
                   for c in spec["initContainers"] + spec["containers"]}}
    postgres_server.drop_database(database)


def signing_key_pem() -> str:
    """An Ed25519 private key in PEM, as `openssl genpkey -algorithm ed25519` makes one."""
    return Ed25519PrivateKey.generate().private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()


def key_id(pem: str) -> str:
    return CryptoSigner(load_pem_private_key(pem.encode(), password=None)).public_key.keyid


def tuf_document(server: RegistryServer, name: str) -> dict[str, Any]:
    answer = requests.get(f"{server.api}/tuf/{name}", timeout=10)
    assert answer.status_code == 200, answer.text
    document: dict[str, Any] = answer.json()
    return document


def run(pod: dict[str, Any], container: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``appstore-registry ARGS`` with a container's environment, as the container runs it."""
    env = registry_environment(pod["volumes"]["/var/lib/appstore"]) | pod["env"][container]
    result = subprocess.run([console_script("appstore-registry"), *args], env=env, capture_output=True, text=True,
                            timeout=COMMAND_TIMEOUT, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_the_registry_runs_from_its_own_manifests_and_takes_its_own_package(
        pod: dict[str, Any], tmp_path: Path) -> None:
    (migrate,) = pod["spec"]["initContainers"]
    run(pod, "migrate", *migrate["args"])
    # The operator's `kubectl exec ... tuf init --root-key /tmp/root.pem`: the online keys come from the Secret.
    root_key = pod["volumes"]["/tmp"] / "root.pem"
    assert "Made keys for: root." in run(pod, "registry", "tuf", "init", "--root-key", str(root_key)).stdout
    assert not (pod["volumes"]["/var/lib/appstore"] / "tuf-keys").exists()  # no key written in the pod
    # What the operator does next with `kubectl exec ... appstore-registry org create / token create`.
    token = add_organisation(make_app(tmp_path / "admin", pod["env"]["registry"]["APPSTORE_DATABASE_URL"],
                                      with_schema=True), "gemeente-app-store")

    registry, *_ = pod["spec"]["containers"]
    args = list(registry["args"])
    args[args.index("--host") + 1] = HOST
    server = RegistryServer(pod["volumes"]["/var/lib/appstore"], environment=pod["env"]["registry"],
                            command=lambda port: [console_script("appstore-registry"), *args[:args.index("--port")],
                                                  "--port", str(port), *args[args.index("--port") + 2:]])
    with running(server):
        for probe in ("livenessProbe", "readinessProbe"):
            answer = requests.get(server.url + registry[probe]["httpGet"]["path"], timeout=10)
            assert answer.status_code == 200, answer.text
        built = build_package(PACKAGE, tmp_path / "dist")
        with built.path.open("rb") as archive:
            published = requests.post(f"{server.api}/releases", headers={"Authorization": f"Bearer {token}"},
                                      files={"package": (built.path.name, archive)}, timeout=60)
        assert published.status_code == 201, published.text
        release = published.json()
        assert {c["profile"]: c["runs"] for c in release["compatibility"]} == {"haven": True}
        assert release["links"]["self"].startswith(f"https://{HOSTNAME}/")  # APPSTORE_PUBLIC_URL
        download = requests.get(f"{server.api}/apps/gemeente-app-store/releases/{built.version}/package", timeout=30)
        assert download.status_code == 200 and download.content == built.path.read_bytes()
        # Signed with the keys of the Secret: the timestamp by its key, the package's bin by the targets key.
        keys = {role: key_id(pod["env"]["registry"][f"APPSTORE_TUF_KEY_{role.upper()}"]) for role in ONLINE_ROLES}
        timestamp = tuf_document(server, "timestamp.json")
        assert [s["keyid"] for s in timestamp["signatures"]] == [keys["timestamp"]]
        snapshot = tuf_document(server, f"{timestamp['signed']['meta']['snapshot.json']['version']}.snapshot.json")
        targets = tuf_document(server, f"{snapshot['signed']['meta']['targets.json']['version']}.targets.json")
        assert [s["keyid"] for s in targets["signatures"]] == [keys["targets"]]
        # targets hands the package to its hashed bin, which the same key signs.
        path = f"packages/gemeente-app-store/gemeente-app-store-{built.version}.tar.gz"
        bins = SuccinctRoles.from_dict(dict(targets["signed"]["delegations"]["succinct_roles"]))
        name = bins.get_role_for_target(path)
        package_bin = tuf_document(server, f"{snapshot['signed']['meta'][f'{name}.json']['version']}.{name}.json")
        assert [s["keyid"] for s in package_bin["signatures"]] == [keys["targets"]]
        assert path in package_bin["signed"]["targets"]
        metrics = requests.get(f"{server.url}/metrics", timeout=10)
        assert metrics.status_code == 200 and "appstore_publishes_total" in metrics.text
        server.kill()  # a graceful stop is tested elsewhere; here it would only take time
    # APPSTORE_LOG_FORMAT=json: every line, gunicorn's and the access log's too, is one JSON object.
    records = [json.loads(line) for line in server.log_path.read_text().splitlines() if line]
    assert all({"time", "level", "logger", "request_id", "message"} <= set(r) for r in records)
    assert {"gunicorn.error", "gunicorn.access"} <= {r["logger"] for r in records}
