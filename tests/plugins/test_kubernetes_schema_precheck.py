"""The compiled pre-check says "conforms" exactly when the full validator finds nothing.

Objects that conform skip jsonschema; a disagreement would either hide a problem
(the pre-check passes what jsonschema refuses) or cost time for nothing. Each
case here is a valid object of a common kind with one or two mutations of the
kinds authors make: a missing required field, a wrong type, an unknown field,
YAML 1.1 oddities (booleans and floats where text is expected, null), numbers at
and beyond 64 bits, and values no JSON has (bytes and sets from YAML tags).
"""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest
import yaml

from plugins import kubernetes_schema_store as store
from tests.plugins.kubernetes_support import secure_container

VERSIONS = ("1.34", "1.37")
OBJECTS = [
    f"""\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: zaken, labels: {{app: zaken}}}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: zaken}}}}
  template:
    metadata: {{labels: {{app: zaken}}}}
    spec:
      containers:
{secure_container("zaken", 8)}
""",
    """\
apiVersion: v1
kind: Service
metadata: {name: zaken}
spec:
  ports: [{port: 80, targetPort: 8000, protocol: TCP}]
  selector: {app: zaken}
""",
    """\
apiVersion: v1
kind: ConfigMap
metadata: {name: zaken, annotations: {team: zaken}}
data: {LOG_LEVEL: info, WORKERS: "4"}
""",
    """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: zaken}
spec:
  ingressClassName: nginx
  rules:
    - host: zaken.example.nl
      http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: zaken, port: {number: 80}}}}
""",
    """\
apiVersion: batch/v1
kind: CronJob
metadata: {name: opruimen}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      backoffLimit: 3
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: opruimen, image: "registry.example.nl/opruimen:1.0"}]
""",
]
ODD_VALUES: list[Any] = [None, True, 1, 1.0, 1.5, -1, 2**31, 2**63, 2**64 + 1, "", "x", [], {}, ["x"],
                         {"a": 1}, b"bytes", {"a", "b"}, float("inf")]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


def _mutated(body: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    body = copy.deepcopy(body)
    for _ in range(rng.choice((1, 1, 2))):
        path = rng.choice(_paths(body))
        parent = body
        for part in path[:-1]:
            parent = parent[part]
        last = path[-1]
        action = rng.random()
        if action < 0.25 and isinstance(parent, dict):
            del parent[last]
        elif action < 0.4 and isinstance(parent, dict):
            parent[f"{last}Extra"] = "unknown field"
        else:
            parent[last] = copy.copy(rng.choice(ODD_VALUES))
        if not _paths(body):
            break
    return body


@pytest.mark.parametrize("text", OBJECTS, ids=lambda t: t.split("kind: ")[1].split("\n")[0])
def test_the_precheck_agrees_with_the_full_validator(text: str) -> None:
    original = yaml.safe_load(text)
    schemas = store.SchemaStore()
    rng = random.Random(text)
    cases = [original] + [_mutated(original, rng) for _ in range(250)]
    conforming = 0
    for version in VERSIONS:
        validator = schemas.validator(version, original["apiVersion"], original["kind"])
        assert validator is not None
        for body in cases:
            errors = list(validator.iter_errors(body))
            fast = schemas.conforms(version, original["apiVersion"], original["kind"], body)
            assert fast == (not errors), (body, [e.message for e in errors])
            conforming += fast
    assert schemas.conforms(VERSIONS[0], original["apiVersion"], original["kind"], original)
    assert 0 < conforming < 2 * len(cases)  # both answers occur: the test can fail either way


def test_unknown_kinds_are_left_to_the_full_check() -> None:
    assert not store.SchemaStore().conforms("1.37", "example.nl/v1", "Zaak", {"kind": "Zaak"})
