"""Problems that ordinary checks miss: literal credentials, and custom resources
whose operator the platform does not run."""

from __future__ import annotations

import base64

import pytest

from plugins.kubernetes_credentials import credential_kind, is_credential_name
from sdk.findings import Severity
from sdk.profiles import PlatformProfile
from tests import factories
from tests.plugins.kubernetes_support import PROFILE, by_code, codes, compatibility, package

DEPLOYMENT = factories.DEPLOYMENT.format(name="zaken", digest="a" * 64)
CONTAINER = "deploy/app.yaml[0].spec.template.spec.containers[0]"


def with_env(*entries: str) -> str:
    env = "".join(f"            - {entry}\n" for entry in entries)
    return DEPLOYMENT.replace("          ports: [{containerPort: 8000}]\n",
                              f"          ports: [{{containerPort: 8000}}]\n          env:\n{env}")


def test_default_password_in_a_secret() -> None:
    secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData:\n" \
             "  DB_PASSWORD: changeme\n  DB_USER: zaken\n  DB_PASSWORD_FILE: /run/secrets/db\n"
    result = compatibility(package(app=DEPLOYMENT, secret=secret))
    (finding,) = result.findings
    assert (finding.code, finding.severity) == ("credentials.literal", Severity.WARNING)
    assert finding.key == "deploy/secret.yaml[0].stringData.DB_PASSWORD"
    assert "changeme" not in finding.message  # the place, never the value
    assert result.compatible


def test_base64_secret_data_is_read() -> None:
    encoded = base64.b64encode(b"s3cr3t-t0ken").decode()
    empty = base64.b64encode(b"").decode()
    secret = f"apiVersion: v1\nkind: Secret\nmetadata: {{name: api}}\ndata:\n  apiKey: {encoded}\n" \
             f"  adminPassword: '{empty}'\n"
    (finding,) = compatibility(package(app=DEPLOYMENT, secret=secret)).findings
    assert finding.key == "deploy/secret.yaml[0].data.apiKey"


def test_literal_env_value_but_not_references() -> None:
    text = with_env("{name: API_KEY, value: abc123def}",
                    "{name: SECRET_KEY, valueFrom: {secretKeyRef: {name: django, key: secret-key}}}",
                    "{name: TOKEN_URL, value: 'https://login.example/token'}",
                    "{name: DB_PASSWORD, value: '$(POSTGRES_PASSWORD)'}",
                    "{name: SMTP_PASSWORD, value: ''}")
    (finding,) = compatibility(package(app=text)).findings
    assert (finding.code, finding.key) == ("credentials.literal", f"{CONTAINER}.env[0].value")


def test_config_placeholder_is_filled_at_install_time() -> None:
    manifest = factories.manifest(config=[{"name": "db_password", "example": "voorbeeld-wachtwoord"}])
    text = with_env("{name: DB_PASSWORD, value: '${db_password}'}")
    assert compatibility(package(manifest, app=text)).findings == ()


def test_private_key_whatever_its_name() -> None:
    key = "-----BEGIN RSA PRIVATE KEY-----\\nMIIEow\\n-----END RSA PRIVATE KEY-----\\n"
    secret = f"apiVersion: v1\nkind: Secret\nmetadata: {{name: tls}}\nstringData:\n  server: \"{key}\"\n"
    (finding,) = compatibility(package(app=DEPLOYMENT, secret=secret)).findings
    assert finding.code == "credentials.private-key"


@pytest.mark.parametrize(("name", "credential"), [
    ("DB_PASSWORD", True), ("POSTGRES_PASSWORD", True), ("dbPassword", True), ("client-secret", True),
    ("AWS_SECRET_ACCESS_KEY", True), ("DJANGO_SECRET_KEY", True), ("api_key", True), ("ACCESS_TOKEN", True),
    ("DB_PASS", True), ("password", True),
    ("TOKEN_URL", False), ("PASSWORD_MIN_LENGTH", False), ("SECRET_NAME", False), ("AWS_ACCESS_KEY_ID", False),
    ("PASSWORD_FILE", False), ("KEYCLOAK_REALM", False), ("SESSION_COOKIE_SECURE", False), ("", False),
])
def test_credential_names_by_their_last_words(name: str, credential: bool) -> None:
    assert is_credential_name(name) is credential


@pytest.mark.parametrize("value", ["", "  ", "${db_password}", "$(DB_PASSWORD)", "{{ .Values.password }}",
                                   "true", "x" * 5000])
def test_values_that_are_no_literal_credential(value: str) -> None:
    assert credential_kind("DB_PASSWORD", value) is None


CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: clusters.postgresql.cnpg.io}
spec:
  group: postgresql.cnpg.io
  scope: Namespaced
  names: {kind: Cluster, plural: clusters, singular: cluster, listKind: ClusterList}
  versions:
    - name: v1
      served: true
      storage: true
      schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
"""
CLUSTER = "apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata: {name: zaken-db}\n" \
          "spec: {instances: 2, storage: {size: 1Gi}}\n"
MANIFEST = factories.manifest(requires={"platform": {"services": ["postgresql"]}})


def runs(*operators: str) -> PlatformProfile:
    return PlatformProfile(id="cnpg", name="CNPG", kubernetes_versions=("1.34",), services=PROFILE.services,
                           operators=operators)


def test_stub_crd_does_not_make_an_operator_resource_run() -> None:
    result = compatibility(package(MANIFEST, app=DEPLOYMENT, crd=CRD, db=CLUSTER))
    assert not result.compatible
    (finding,) = by_code(result.findings, "operators.missing")
    assert finding.key == "deploy/db.yaml[0].apiVersion"
    assert "CloudNativePG" in finding.message and "`operators: [cloudnative-pg]`" in finding.message


def test_profile_that_runs_the_operator() -> None:
    assert compatibility(package(MANIFEST, app=DEPLOYMENT, crd=CRD, db=CLUSTER), runs("cloudnative-pg")).compatible
    # Running the operator declares its kinds: no CRD needed in the package.
    assert compatibility(package(MANIFEST, app=DEPLOYMENT, db=CLUSTER), runs("cloudnative-pg")).findings == ()


def test_package_that_runs_the_operator_itself() -> None:
    operator = DEPLOYMENT.replace("name: zaken", "name: cnpg").replace("{app: zaken}", "{app: cnpg}") \
        .replace("registry.example/zaken@", "ghcr.io/cloudnative-pg/cloudnative-pg@")
    result = compatibility(package(MANIFEST, app=DEPLOYMENT, operator=operator, crd=CRD, db=CLUSTER))
    assert "operators.missing" not in codes(result.findings)


def test_resource_without_crd_names_the_operator() -> None:
    result = compatibility(package(MANIFEST, app=DEPLOYMENT, db=CLUSTER))
    (finding,) = by_code(result.findings, "kubernetes.undeclared-custom-resource")
    assert "needs the CloudNativePG operator" in finding.message
