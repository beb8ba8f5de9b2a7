"""Test packages built at test time from small dicts; no binary fixtures."""

from __future__ import annotations

import copy
import gzip
import io
import tarfile
from typing import Any

import yaml

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: 2
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile: {{type: RuntimeDefault}}
      containers:
        - name: {name}
          image: registry.example/{name}@sha256:{digest}
          ports: [{{containerPort: 8000}}]
          resources:
            requests: {{cpu: 100m, memory: 128Mi}}
            limits: {{cpu: "1", memory: 512Mi}}
          readinessProbe: {{httpGet: {{path: /health, port: 8000}}}}
          livenessProbe: {{httpGet: {{path: /health, port: 8000}}}}
          securityContext:
            allowPrivilegeEscalation: false
            capabilities: {{drop: [ALL]}}
"""


def manifest(**overrides: Any) -> dict[str, Any]:
    """A valid manifest; keyword arguments replace keys (``None`` removes one)."""
    data: dict[str, Any] = {
        "manifestVersion": 1,
        "id": "zaakafhandelcomponent",
        "version": "1.4.0",
        "name": "Zaakafhandelcomponent",
        "summary": "Zaken behandelen volgens de ZGW-standaarden",
        "publisher": "dimpact",
        "license": "EUPL-1.2",
        "layer": "process",
        "categories": ["case-management"],
    }
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def publiccode(name: str = "Zaakafhandelcomponent") -> dict[str, Any]:
    return {
        "publiccodeYmlVersion": "0",
        "name": name,
        "url": "https://git.example.org/apps/" + name.lower().replace(" ", "-"),
        "releaseDate": "2026-01-15",
        "platforms": ["web"],
        "categories": ["workflow-management"],
        "developmentStatus": "stable",
        "softwareType": "standalone/web",
        "description": {
            "nl": {
                "shortDescription": "Zaken behandelen volgens de ZGW-standaarden.",
                "longDescription": "Een component waarmee medewerkers zaken behandelen. " * 5,
                "features": ["Zaken behandelen", "Documenten koppelen"],
            }
        },
        "legal": {"license": "EUPL-1.2"},
        "maintenance": {"type": "community", "contacts": [{"name": "Team Zaken"}]},
        "localisation": {"localisationReady": True, "availableLanguages": ["nl"]},
    }


def package_files(manifest_data: dict[str, Any] | None = None, **extra: bytes | str) -> dict[str, bytes]:
    """The files of a valid package, with ``extra`` files added or replaced."""
    data = copy.deepcopy(manifest_data) if manifest_data is not None else manifest()
    files: dict[str, bytes] = {
        "appstore.yaml": yaml.safe_dump(data, sort_keys=False).encode(),
        "publiccode.yml": yaml.safe_dump(publiccode(data.get("name", "App")), sort_keys=False).encode(),
        "deploy/deployment.yaml": DEPLOYMENT.format(name=data.get("id", "app"), digest="a" * 64).encode(),
        "README.md": b"# App\n",
    }
    for name, content in extra.items():
        files[name.replace("__", "/")] = content.encode() if isinstance(content, str) else content
    return files


def tar_gz(files: dict[str, bytes], *, links: dict[str, str] | None = None) -> bytes:
    """A .tar.gz of ``files`` in order; ``links`` adds symlink members."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(content))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            tar.addfile(info)
    return buffer.getvalue()


def package(manifest_data: dict[str, Any] | None = None, **extra: bytes | str) -> bytes:
    """A valid package archive (or one made invalid through the arguments)."""
    return tar_gz(package_files(manifest_data, **extra))


def gzip_bomb(unpacked_mib: int = 60) -> bytes:
    """A package whose one member unpacks to ``unpacked_mib`` MiB of zeros."""
    files = package_files()
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9) as gz:
        with tarfile.open(fileobj=gz, mode="w") as tar:
            for name, content in files.items():
                info = tarfile.TarInfo(name)
                info.size = len(content)
                tar.addfile(info, io.BytesIO(content))
            size = unpacked_mib * 1024 * 1024
            info = tarfile.TarInfo("deploy/zeros.bin")
            info.size = size
            tar.addfile(info, _Zeros(size))
    return buffer.getvalue()


class _Zeros(io.RawIOBase):
    def __init__(self, size: int) -> None:
        self.left = size

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        self.left -= n
        return b"\0" * n
