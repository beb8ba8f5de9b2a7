"""Platform services: what an app uses must be declared and offered.

Declared services (``requires.platform.services``) must be offered by the
profile. Beyond that, the deploy/ files are searched for signs of a service
the app expects the platform to provide: connection URLs (``postgres://``,
``redis://``, ``amqp://``, ``s3://``) and well-known variable names in env and
ConfigMaps, custom resources of the operators that provide a service, and
cert-manager annotations. A service the package runs itself (a ``postgres``
or ``redis`` image in its own workloads) is not a platform need. An undeclared
service is an error where the profile lacks it and a warning where it offers it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from plugins.kubernetes_images import own_images
from plugins.kubernetes_objects import KubeObject, containers, deploy_of, pod_spec
from sdk import hookimpl
from sdk.findings import Finding, join_key
from sdk.hookspecs import VerificationContext
from sdk.package import PackageView
from sdk.profiles import PlatformProfile

PLUGIN_NAME = "platform-services"


@dataclass(frozen=True)
class Signs:
    """How a service shows itself in manifests."""

    schemes: tuple[str, ...] = ()
    env_prefixes: tuple[str, ...] = ()
    images: tuple[str, ...] = ()  # last path part of images that provide it in-package
    kinds: tuple[str, ...] = ()  # "group/Kind" of operator resources
    annotations: tuple[str, ...] = ()


SERVICES: dict[str, Signs] = {
    "postgresql": Signs(("postgres", "postgresql", "jdbc:postgresql"),
                        ("POSTGRES_", "POSTGRESQL_", "PGHOST", "PGDATABASE", "PGPASSWORD"),
                        ("postgres", "postgresql", "postgis"),
                        ("acid.zalan.do/postgresql", "postgresql.cnpg.io/Cluster")),
    "redis": Signs(("redis", "rediss"), ("REDIS_",), ("redis", "valkey", "keydb"),
                   ("databases.spotahome.com/RedisFailover",)),
    "rabbitmq": Signs(("amqp", "amqps"), ("RABBITMQ_", "AMQP_"), ("rabbitmq",),
                      ("rabbitmq.com/RabbitmqCluster",)),
    "object-storage": Signs(("s3",), ("S3_", "AWS_S3_", "AWS_STORAGE_BUCKET"), ("minio",),
                            ("objectbucket.io/ObjectBucketClaim",)),
    "https-certificates": Signs(kinds=("cert-manager.io/Certificate", "cert-manager.io/Issuer"),
                                annotations=("cert-manager.io/cluster-issuer", "cert-manager.io/issuer")),
    "api-gateway": Signs(kinds=("configuration.konghq.com/KongPlugin",
                                "configuration.konghq.com/KongConsumer")),
}
_URL = re.compile(r"\b([a-z][a-z0-9+.-]*)://", re.IGNORECASE)


@hookimpl(trylast=True)
def appstore_verify_platform(
    package: PackageView, profile: PlatformProfile, context: VerificationContext
) -> list[Finding]:
    declared = _declared(package)
    findings = [
        Finding.error("services.unavailable",
                      f"The app requires the platform service `{name}`, which platform "
                      f"`{profile.id}` does not offer (it offers {', '.join(profile.services) or 'none'}).",
                      f"requires.platform.services[{index}]")
        for index, name in enumerate(declared) if name not in profile.services
    ]
    if package.manifest is None:
        return findings
    own = _own_services(package)
    reported: set[str] = set()
    for service, obj, field, evidence in uses(package):
        if service in declared or service in own or service in reported:
            continue
        reported.add(service)
        # Offered here, the app runs and only the declaration is missing (a
        # warning); not offered, it cannot run on this platform (an error).
        offered = service in profile.services
        report = obj.warning if offered else obj.error
        findings.append(report(
            "services.undeclared", field,
            f"uses the platform service `{service}` ({evidence}) but appstore.yaml does not declare "
            f"it; add `{service}` to `requires.platform.services`."
            + ("" if offered else f" Platform `{profile.id}` does not offer it either.")))
    return findings


def _declared(package: PackageView) -> list[str]:
    requires = (package.manifest or {}).get("requires")
    platform = requires.get("platform") if isinstance(requires, dict) else None
    services = platform.get("services") if isinstance(platform, dict) else None
    return [s for s in services if isinstance(s, str)] if isinstance(services, list) else []


def _own_services(package: PackageView) -> set[str]:
    """Services the package runs itself, judged by its images."""
    names = {image.rsplit("/", 1)[-1] for image in own_images(package)}
    return {service for service, signs in SERVICES.items() if names & set(signs.images)}


def uses(package: PackageView) -> Iterator[tuple[str, KubeObject, str, str]]:
    """(service, object, field, evidence) for each sign of a service in deploy/."""
    for obj in deploy_of(package).mappings():
        group_kind = f"{obj.group.split('/')[0]}/{obj.kind}"
        for service, signs in SERVICES.items():
            if group_kind in signs.kinds:
                yield service, obj, "kind", f"a {obj.kind} of {obj.group}"
        annotations = (obj.body.get("metadata") or {}).get("annotations")
        for name in annotations if isinstance(annotations, dict) else ():
            for service, signs in SERVICES.items():
                if name in signs.annotations:
                    yield service, obj, f"metadata.annotations.{name}", f"annotation {name}"
        for field, name, value in _settings(obj):
            yield from ((s, obj, field, e) for s, e in _signs_in(name, value))


def _settings(obj: KubeObject) -> Iterator[tuple[str, str, Any]]:
    """(field, name, value) of env variables and ConfigMap/Secret entries."""
    if obj.kind in ("ConfigMap", "Secret"):
        for part in ("data", "stringData") if obj.kind == "Secret" else ("data",):
            entries = obj.body.get(part)
            for name, value in entries.items() if isinstance(entries, dict) else ():
                # Secret data is base64: only its name is a sign.
                shown = value if part != "data" or obj.kind == "ConfigMap" else None
                yield join_key(part, str(name)), str(name), shown
    found = pod_spec(obj)
    for container in containers(*found) if found else ():
        for index, env in enumerate(container.body.get("env") or []):
            if isinstance(env, Mapping):
                yield container.at("env", index), str(env.get("name", "")), env.get("value")


def _signs_in(name: str, value: Any) -> Iterator[tuple[str, str]]:
    schemes = {m.group(1).lower() for m in _URL.finditer(value)} if isinstance(value, str) else set()
    if isinstance(value, str) and "jdbc:postgresql" in value.lower():
        schemes.add("jdbc:postgresql")
    upper = name.upper()
    for service, signs in SERVICES.items():
        if schemes & set(signs.schemes):
            yield service, f"a {sorted(schemes & set(signs.schemes))[0]}:// address in {name}"
        elif upper.startswith(signs.env_prefixes) if signs.env_prefixes else False:
            yield service, f"setting {name}"
