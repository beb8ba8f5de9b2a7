"""Packages that trip every built-in check, built at test time: each finding
they produce must have words in every language of the message catalogues."""

from __future__ import annotations

from datetime import date
from typing import Any

import yaml

from sdk.findings import Finding
from sdk.hookspecs import VerificationContext
from sdk.package import PackageView
from sdk.profiles import PlatformProfile
from sdk.verification import check_platforms, create_plugin_manager, verify_package
from tests import factories

#: A restricted platform with old and new versions (removed and deprecated
#: APIs, unchecked versions, versions that refuse only some things), and a
#: baseline one without storage classes or services.
STRICT = PlatformProfile(id="strict", name="Strict", kubernetes_versions=("1.24", "1.31", "1.34", "1.35"),
                         storage_access_modes=("ReadWriteOnce",), storage_classes=("fast",),
                         services=("postgresql",))
LENIENT = PlatformProfile(id="lenient", name="Lenient", kubernetes_versions=("1.35",), pod_security="baseline")

PRIVILEGED_POD = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: zaken}
spec:
  selector: {matchLabels: {app: zaken}}
  template:
    metadata:
      labels: {app: zaken}
      annotations:
        container.apparmor.security.beta.kubernetes.io/web: unconfined
        seccomp.security.alpha.kubernetes.io/pod: unconfined
    spec:
      hostNetwork: true
      os: {name: windows}
      securityContext:
        runAsNonRoot: false
        runAsUser: 0
        seccompProfile: {type: Unconfined}
        appArmorProfile: {type: Unconfined}
        seLinuxOptions: {user: root}
        windowsOptions: {hostProcess: true}
        sysctls: [{name: kernel.msgmax, value: "1"}, {name: net.ipv4.tcp_rmem, value: "4096"}]
      volumes:
        - {name: node, hostPath: {path: /var}}
        - {name: share, nfs: {server: nfs.example, path: /}}
      containers:
        - name: web
          image: registry.example/web
          ports: [{containerPort: 80, hostPort: 80}]
          lifecycle: {postStart: {httpGet: {host: 10.0.0.1, path: /, port: 80}}}
          env:
            - {name: CACHE_URL, value: "redis://cache:6379/0"}
            - {name: POSTGRES_HOST, value: db}
            - {name: DB_PASSWORD, value: geheim123}
            - {name: TLS_KEY, value: "-----BEGIN RSA PRIVATE KEY-----\\nabc\\n-----END RSA PRIVATE KEY-----"}
          securityContext:
            privileged: true
            allowPrivilegeEscalation: true
            procMount: Unmasked
            capabilities: {add: [SYS_ADMIN]}
            seccompProfile: {type: Unconfined}
            appArmorProfile: {type: Unconfined}
            seLinuxOptions: {type: spc_t}
            windowsOptions: {hostProcess: true}
            runAsUser: 0
        - name: side
          image: registry.example/side:1.0
          securityContext: {runAsNonRoot: false}
        - name: empty
          image: ""
        - name: pinned
          image: registry.example/pinned@sha256:nothex
        - name: newest
          image: registry.example/newest:latest
---
apiVersion: v1
kind: Service
metadata: {name: zaken}
spec:
  selector: {app: zaken}
  ports: [{port: 80}]
"""

BROKEN_OBJECTS = """\
just text
---
apiVersion: apps/v1
metadata: {name: nameless-kind}
---
apiVersion: v1
kind: ConfigMap
metadata: {}
---
apiVersion: v1
kind: List
items: {}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: wrong, bogus: 1}
spec:
  replicas: "two"
  strategy: {type: Sometimes}
  template:
    spec:
      containers:
        - name: a
          image: "x@sha256:%(digest)s"
          ports: [{containerPort: 80, protocol: Carrier, name: yes}]
      terminationGracePeriodSeconds: 1.5
---
apiVersion: apps/v2
kind: Deployment
metadata: {name: future}
---
apiVersion: apps/v1
kind: Gadget
metadata: {name: typo}
---
apiVersion: extensions/v1beta1
kind: Deployment
metadata: {name: old}
---
apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata: {name: old}
---
apiVersion: settings.k8s.io/v1alpha1
kind: PodPreset
metadata: {name: old}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: unknown}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: tls
  annotations: {cert-manager.io/cluster-issuer: letsencrypt}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: clusters.postgresql.cnpg.io}
spec:
  group: postgresql.cnpg.io
  names: {kind: Cluster, plural: clusters}
  scope: Namespaced
  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]
---
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata: {name: db}
"""

STORAGE = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOncePod, ReadWriteOnce]
  storageClassName: ""
  resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: cloud}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: gp2
  resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: named}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: ceph-block
  resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: Secret
metadata: {name: login}
stringData: {password: hunter2hunter2}
"""


#: A placeholder whose example, filled in, breaks the YAML around it.
MOTTO = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: motto}
data:
  motto: ${motto}
"""


def deploy_manifest() -> dict[str, Any]:
    return factories.manifest(
        requires={"platform": {"kubernetes": ">=1.35.0", "storage": ["ReadOnlyMany"], "services": ["rabbitmq"]}},
        config=[{"name": "motto", "example": "samen: sterk"}])


def bad_deploy() -> PackageView:
    """A package whose deploy/ files trip every Kubernetes check."""
    data = deploy_manifest()
    files = factories.package_files(data)
    files["deploy/app.yaml"] = PRIVILEGED_POD.encode()
    files["deploy/broken.yaml"] = (BROKEN_OBJECTS % {"digest": "c" * 64}).encode()
    files["deploy/storage.yaml"] = STORAGE.encode()
    files["deploy/motto.yaml"] = MOTTO.encode()
    return PackageView(files=files, manifest=data)


def bad_package(manifest: dict[str, Any], publiccode: dict[str, Any], **extra: bytes | str) -> PackageView:
    """A package with ``manifest`` and ``publiccode``, as opened for verification."""
    files = factories.package_files(manifest, **extra)
    files["publiccode.yml"] = yaml.safe_dump(publiccode, sort_keys=False).encode()
    return PackageView(files=files, manifest=manifest)


def every_finding(packages: list[PackageView]) -> list[Finding]:
    """The findings of every built-in check on ``packages``, on both profiles."""
    pm = create_plugin_manager(installed=False)
    context = VerificationContext(profiles=(STRICT, LENIENT), today=date(2026, 11, 1))
    findings: list[Finding] = []
    for package in packages:
        findings += verify_package(pm, package, context).findings
        for result in check_platforms(pm, package, context):
            findings += result.findings
    return findings


def narrow_png(width: int = 10) -> bytes:
    """The start of a PNG whose header says it is ``width`` pixels wide."""
    return b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + width.to_bytes(4, "big") + b"\x00\x00\x00\x0a"


#: A publiccode.yml of an older version with something wrong in every section.
PUBLICCODE_EVERYTHING_WRONG: dict[str, Any] = {
    "publiccodeYmlVersion": "0.2",
    "name": "Zaken",
    "url": "not a url",
    "landingURL": "ftp://files.example",
    "releaseDate": "2026-13-01",
    "logo": "logo.png",
    "monochromeLogo": "/mono.png",
    "platforms": [],
    "categories": ["nonsense"],
    "developmentStatus": "meh",
    "inputTypes": ["csv"],
    "organisation": {"name": "Gemeente", "uri": "not a uri"},
    "fundedBy": [{"name": "Regione", "uri": "urn:x-italian-pa:!!"}],
    "supports": [{"id": "alias:nothing"}, {"id": "no uri"}],
    "intendedAudience": {"scope": ["nowhere"], "countries": ["nl", "XX"]},
    "description": {"nl": {
        "genericName": "Zaaksysteem",
        "shortDescription": "x" * 200,
        "longDescription": "kort",
        "features": [],
        "documentation": "docs",
        "videos": ["ftp://videos.example/zaken"],
        "screenshots": ["file:///shot.png", "shot.gif", "missing.png"],
    }},
    "legal": {"license": "Nope-1.0", "authorsFile": "AUTHORS", "repoOwner": "Gemeente"},
    "maintenance": {"type": "contract", "contacts": [{"name": "Team", "email": "no-address"}]},
    "localisation": {"localisationReady": "yes", "availableLanguages": ["nl", "xx_YY"]},
    "dependsOn": {"open": [{"version": "1"}]},
    "it": {"conforme": {"gdpr": True}},
    "IT": {"countryExtensionVersion": "9.9", "riuso": {"codiceIPA": "!!"}},
    "nl": {"commonground": {"layerType": "attic"}},
    "colour": "blue",
}


def publiccode_packages() -> list[PackageView]:
    """Packages whose publiccode.yml trips every rule of the publiccode check."""
    wrong = dict(PUBLICCODE_EVERYTHING_WRONG)
    contractors = {**factories.publiccode(), "maintenance": {
        "type": "community", "contractors": [{"name": "Bouwer", "until": "2030-01-01"}]},
        "nl": {"commonground": {"layerType": "process", "installationType": "helm"}}}
    raw_documents = [
        b"- just\n- a list\n",
        b"",
        b"name: \xff\n",
        b"name: [unclosed\n",
        b"publiccodeYmlVersion: [0]\n",
        b'publiccodeYmlVersion: "9"\n',
        b'publiccodeYmlVersion: "0"\nname: a\nname: b\n',
    ]
    manifest = factories.manifest()
    packages = [bad_package(manifest, wrong, **{"logo.png": narrow_png()}), bad_package(manifest, contractors)]
    for raw in raw_documents:
        files = factories.package_files(manifest)
        files["publiccode.yml"] = raw
        packages.append(PackageView(files=files, manifest=manifest))
    return packages
