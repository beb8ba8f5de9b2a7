"""What an app needs, read from a manifest that passed the schema.

The manifest keeps its older, shorter forms valid: a platform service may be a
slug (``postgresql``) or a mapping with properties (``{name: postgresql,
version: ">=14", extensions: [postgis]}``), an operator likewise, ``layer`` a
layer or a list of layers. These readers give every form one shape, so the
checks, the install resolver and the pages need not know the spellings.
Nothing here judges: malformed entries are the schema's business and are
skipped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sdk.versions import is_range, satisfies

PLATFORM, MUNICIPALITY = "platform", "municipality"
PROVIDERS = (PLATFORM, MUNICIPALITY)


@dataclass(frozen=True)
class ServiceNeed:
    """A service an app uses: offered by the platform, or brought by the municipality."""

    name: str
    version: str | None = None  # a range, ">=14"
    extensions: tuple[str, ...] = ()
    provider: str = PLATFORM
    config: str | None = None  # the config value that points the app at a service the municipality brings
    key: str = ""  # where the manifest says so

    def describe(self) -> str:
        parts = [self.name] + ([self.version] if self.version else [])
        if self.extensions:
            parts.append(f"with {', '.join(self.extensions)}")
        return " ".join(parts)


@dataclass(frozen=True)
class OperatorNeed:
    name: str
    version: str | None = None  # a range
    key: str = ""


@dataclass(frozen=True)
class ApiNeed:
    """An API requirement: one API, or alternatives of which any one will do; optional if used when present."""

    alternatives: tuple[tuple[str, str | None], ...]  # (api, range)
    optional: bool = False

    @property
    def single(self) -> tuple[str, str | None] | None:
        return self.alternatives[0] if len(self.alternatives) == 1 else None


@dataclass(frozen=True)
class ExternalApi:
    """An API outside the platform (BRP, KVK, BAG) that the municipality confirms it may use."""

    api: str
    description: str = ""


def _requires(manifest: Mapping[str, Any] | None) -> Mapping[str, Any]:
    requires = (manifest or {}).get("requires")
    return requires if isinstance(requires, dict) else {}


def _platform(manifest: Mapping[str, Any] | None) -> Mapping[str, Any]:
    platform = _requires(manifest).get("platform")
    return platform if isinstance(platform, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in _list(value) if isinstance(v, str)))


def _range(value: Any) -> str | None:
    return value if isinstance(value, str) and is_range(value) else None


def _named_entries(manifest: Mapping[str, Any] | None, name: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(key, mapping) of each ``requires.platform.<name>`` entry; a slug reads as ``{name: slug}``."""
    for index, item in enumerate(_list(_platform(manifest).get(name))):
        entry = {"name": item} if isinstance(item, str) else item
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            yield f"requires.platform.{name}[{index}]", entry


def service_needs(manifest: Mapping[str, Any] | None) -> list[ServiceNeed]:
    """Every service the manifest names: ``requires.platform.services`` and ``requires.external`` services."""
    needs = []
    for key, item in _named_entries(manifest, "services"):
        provider = item["provider"] if item.get("provider") in PROVIDERS else PLATFORM
        config = item.get("config") if isinstance(item.get("config"), str) else None
        needs.append(ServiceNeed(item["name"], _range(item.get("version")), _texts(item.get("extensions")),
                                 provider, config, key))
    for index, item in enumerate(_list(_requires(manifest).get("external"))):
        if isinstance(item, dict) and isinstance(item.get("service"), str):
            config = item.get("config") if isinstance(item.get("config"), str) else None
            needs.append(ServiceNeed(item["service"], provider=MUNICIPALITY, config=config,
                                     key=f"requires.external[{index}]"))
    return needs


def platform_services(manifest: Mapping[str, Any] | None) -> list[ServiceNeed]:
    """The services the platform must offer (not those the municipality brings)."""
    return [need for need in service_needs(manifest) if need.provider == PLATFORM]


def operator_needs(manifest: Mapping[str, Any] | None) -> list[OperatorNeed]:
    return [OperatorNeed(item["name"], _range(item.get("version")), key)
            for key, item in _named_entries(manifest, "operators")]


def api_needs(manifest: Mapping[str, Any] | None) -> list[ApiNeed]:
    needs = []
    for item in _list(_requires(manifest).get("apis")):
        if not isinstance(item, dict):
            continue
        optional = item.get("optional") is True
        if isinstance(item.get("api"), str):
            needs.append(ApiNeed(((item["api"], _range(item.get("version"))),), optional))
        elif isinstance(item.get("anyOf"), list):
            options = tuple((o["api"], _range(o.get("version"))) for o in item["anyOf"]
                            if isinstance(o, dict) and isinstance(o.get("api"), str))
            if options:
                needs.append(ApiNeed(options, optional))
    return needs


def external_apis(manifest: Mapping[str, Any] | None) -> list[ExternalApi]:
    return [ExternalApi(item["api"], str(item.get("description") or ""))
            for item in _list(_requires(manifest).get("external"))
            if isinstance(item, dict) and isinstance(item.get("api"), str)]


def host_app(manifest: Mapping[str, Any] | None) -> tuple[str, str | None] | None:
    """The app this one extends (a plugin installed into its host), with the host's range."""
    extends = (manifest or {}).get("extends")
    if isinstance(extends, dict) and isinstance(extends.get("app"), str):
        return extends["app"], _range(extends.get("version"))
    return None


def layers_of(manifest: Mapping[str, Any] | None) -> tuple[str, ...]:
    """The Common Ground layers an app belongs to, first the one it names first."""
    layer = (manifest or {}).get("layer")
    return (layer,) if isinstance(layer, str) else _texts(layer)


def loose_version(text: str) -> str:
    """A platform's version as SemVer: services and operators say "16" or "0.8" for 16.0.0 or 0.8.0."""
    parts = text.split("-", 1)[0].split(".")
    return ".".join((parts + ["0", "0"])[:3]) if len(parts) < 3 else text


def version_fits(offered: str | None, wanted: str | None) -> bool:
    """Whether an offered service or operator version meets a range; no range: any, no version: none."""
    if wanted is None:
        return True
    return offered is not None and satisfies(loose_version(offered), wanted)
