"""Platform services: what an app uses must be declared and offered.

Declared services (``requires.platform.services``) must be offered by the
profile. Beyond that, the deploy/ files are searched for signs of a service
the app expects the platform to provide: connection URLs (``postgres://``,
``redis://``, ``amqp://``, ``s3://``) and well-known variable names in env and
ConfigMaps, custom resources of the operators that provide a service, and
cert-manager annotations. A service the package runs itself (a ``postgres``
or ``redis`` image in its own workloads) is not a platform need. An undeclared
service is an error where the profile lacks it and a warning where it offers it.

A declared service may ask for a version range and extensions (PostGIS): it
runs where one of the profile's offers of that service has them all. A
service the municipality brings itself (``provider: municipality``, or
``requires.external``) is no platform need, and its signs are not undeclared.
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
from sdk.requirements import PLATFORM, ServiceNeed, service_needs, version_fits

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
# One search per scheme that is a sign, in lower-cased text: the literal comes
# first, so the search is a fast scan, and the lookbehind refuses a scheme that
# is the tail of a longer one (``xpostgres://``, ``my.redis://``). Scanning for
# every scheme instead (``\b[a-z][a-z0-9+.-]*://``) costs time quadratic in a
# long run of scheme characters.
_SCHEME_SIGNS = {
    scheme: re.compile(rf"{re.escape(scheme)}://(?<![\w+.-]{re.escape(scheme)}://)")
    for signs in SERVICES.values() for scheme in signs.schemes if ":" not in scheme
}


@hookimpl(trylast=True)
def appstore_verify_platform(
    package: PackageView, profile: PlatformProfile, context: VerificationContext
) -> list[Finding]:
    needs = service_needs(package.manifest)
    declared = {need.name for need in needs}
    findings = [f for need in needs if need.provider == PLATFORM for f in _unmet(need, profile)]
    if package.manifest is None:
        return findings
    own = _own_services(package)
    reported: set[str] = set()
    for service, obj, field, sign in uses(package):
        if service in declared or service in own or service in reported:
            continue
        reported.add(service)
        # Offered here, the app runs and only the declaration is missing (a
        # warning); not offered, it cannot run on this platform (an error).
        offered = service in profile.services
        report = obj.warning if offered else obj.error
        unavailable = {} if offered else {"case": "unavailable"}
        findings.append(report("services.undeclared", field, service=service, **sign, profile=profile.id,
                               **unavailable))
    return findings


def _unmet(need: ServiceNeed, profile: PlatformProfile) -> list[Finding]:
    """Why ``profile`` cannot give the app the service it declares: none offered, wrong version, no extension."""
    offers = profile.offers_of(need.name)
    if not offers:
        case = {"case": "offers"} if profile.services else {}
        return [Finding.error("services.unavailable", key=need.key, data={
            "service": need.name, "profile": profile.id, "offered": list(profile.services), **case})]
    in_range = [o for o in offers if version_fits(o.version, need.version)]
    if not in_range:
        return [Finding.error("services.version", key=need.key, data={
            "service": need.name, "range": need.version, "profile": profile.id,
            "offered": [o.describe() for o in offers]})]
    if any(set(need.extensions) <= set(o.extensions) for o in in_range):
        return []
    closest = max(in_range, key=lambda o: len(set(need.extensions) & set(o.extensions)))
    return [Finding.error("services.extension", key=need.key, data={
        "service": need.name, "missing": [e for e in need.extensions if e not in closest.extensions],
        "profile": profile.id, "offered": [o.describe() for o in in_range]})]


def _own_services(package: PackageView) -> set[str]:
    """Services the package runs itself, judged by its images."""
    names = {image.rsplit("/", 1)[-1] for image in own_images(package)}
    return {service for service, signs in SERVICES.items() if names & set(signs.images)}


#: What gave a service away, as finding data: ``sign`` (kind, annotation,
#: address or setting) and ``evidence``, in the manifest's own terms.
Sign = dict[str, str]


def uses(package: PackageView) -> Iterator[tuple[str, KubeObject, str, Sign]]:
    """(service, object, field, sign) for each sign of a service in deploy/."""
    for obj in deploy_of(package).mappings():
        group_kind = f"{obj.group.split('/')[0]}/{obj.kind}"
        for service, signs in SERVICES.items():
            if group_kind in signs.kinds:
                yield service, obj, "kind", {"sign": "kind", "evidence": f"{obj.group}/{obj.kind}"}
        annotations = (obj.body.get("metadata") or {}).get("annotations")
        for name in annotations if isinstance(annotations, dict) else ():
            for service, signs in SERVICES.items():
                if name in signs.annotations:
                    yield (service, obj, f"metadata.annotations.{name}",
                           {"sign": "annotation", "evidence": str(name)})
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


def _schemes(text: str) -> set[str]:
    """The schemes of service addresses in lower-cased ``text``."""
    found = {scheme for scheme, pattern in _SCHEME_SIGNS.items() if pattern.search(text)}
    return found | ({"jdbc:postgresql"} if "jdbc:postgresql" in text else set())


def _signs_in(name: str, value: Any) -> Iterator[tuple[str, Sign]]:
    schemes = _schemes(value.lower()) if isinstance(value, str) else set()
    upper = name.upper()
    for service, signs in SERVICES.items():
        if schemes & set(signs.schemes):
            scheme = sorted(schemes & set(signs.schemes))[0]
            yield service, {"sign": "address", "evidence": f"{name}: {scheme}://"}
        elif upper.startswith(signs.env_prefixes) if signs.env_prefixes else False:
            yield service, {"sign": "setting", "evidence": name}
