"""The appstore.yaml schema: every rule of manifest version 1, all errors at once."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from sdk import hookimpl
from sdk.findings import Finding, join_key
from sdk.helm.values_path import ValuesPathError, parse_values_path
from sdk.hookspecs import VerificationContext
from sdk.manifest import (
    LAYERS,
    MANIFEST_VERSION,
    MAX_NAME,
    MAX_SUMMARY,
    STORAGE_ACCESS_MODES,
    is_slug,
)
from sdk.versions import is_range, is_version

PLUGIN_NAME = "manifest-schema"

CONFIG_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
TOP_LEVEL = {
    "manifestVersion", "id", "version", "name", "summary", "publisher", "license",
    "layer", "categories", "provides", "requires", "config",
}
REQUIRED = ("manifestVersion", "id", "version", "name", "summary", "publisher", "license")


class SchemaCheck:
    """Walks one manifest and collects every problem with its key."""

    def __init__(self, manifest: Mapping[str, Any]) -> None:
        self.manifest = manifest
        self.findings: list[Finding] = []

    def error(self, code: str, key: str, message: str) -> None:
        self.findings.append(Finding.error(f"manifest.{code}", message, key))

    def unknown_keys(self, mapping: Mapping[str, Any], allowed: set[str], key: str) -> None:
        for name in mapping:
            if name not in allowed:
                where = join_key(key, str(name))
                self.error(
                    "unknown-key", where,
                    f"`{name}` is not a manifest key here; remove it or fix its spelling "
                    f"(allowed: {', '.join(sorted(allowed))}).",
                )

    def text(self, mapping: Mapping[str, Any], name: str, key: str, *, max_len: int | None = None) -> str | None:
        value = mapping.get(name)
        where = join_key(key, name)
        if not isinstance(value, str) or not value.strip():
            hint = " (quote it)" if isinstance(value, (int, float, bool)) else ""
            self.error("type", where, f"`{name}` must be a non-empty text{hint}.")
            return None
        if max_len is not None and len(value) > max_len:
            self.error("too-long", where, f"`{name}` has {len(value)} characters; shorten it to at most {max_len}.")
        return value

    def list_of(self, mapping: Mapping[str, Any], name: str, key: str,
                each: Callable[[Any, str], None]) -> None:
        if name not in mapping:
            return
        value = mapping[name]
        where = join_key(key, name)
        if not isinstance(value, list):
            self.error("type", where, f"`{name}` must be a list.")
            return
        for index, item in enumerate(value):
            each(item, join_key(where, index))

    def mapping(self, value: Any, key: str, what: str) -> Mapping[str, Any] | None:
        if not isinstance(value, dict):
            self.error("type", key, f"{what} must be a mapping of keys to values.")
            return None
        return value

    def run(self) -> list[Finding]:
        m = self.manifest
        for name in REQUIRED:
            if name not in m:
                self.error("missing-key", name, f"`{name}` is required; add it to appstore.yaml.")
        self.unknown_keys(m, TOP_LEVEL, "")
        declared = m.get("manifestVersion")
        if "manifestVersion" in m and (declared != MANIFEST_VERSION or isinstance(declared, bool)):
            self.error("unsupported-version", "manifestVersion",
                       f"`manifestVersion` must be {MANIFEST_VERSION}, the only version this registry reads.")
        if "id" in m and not is_slug(m["id"]):
            self.error("invalid-id", "id", "`id` must be 3 to 64 lowercase letters, digits and single "
                       "hyphens, starting with a letter (for example `open-zaak`).")
        if "version" in m and not is_version(m["version"]):
            hint = "; quote it so YAML keeps it as text" if isinstance(m["version"], (int, float)) else ""
            self.error("invalid-version", "version",
                       f"`version` must be a SemVer 2.0 version such as 1.4.0 or 1.5.0-rc.1{hint}.")
        if "name" in m:
            self.text(m, "name", "", max_len=MAX_NAME)
        if "summary" in m:
            self.text(m, "summary", "", max_len=MAX_SUMMARY)
        if "publisher" in m and not is_slug(m["publisher"], (2, 64)):
            self.error("invalid-publisher", "publisher",
                       "`publisher` must be the slug of your organisation, for example `dimpact`.")
        if "license" in m:
            self.text(m, "license", "")
        if "layer" in m and m["layer"] not in LAYERS:
            self.error("invalid-layer", "layer",
                       f"`layer` must be one of the Common Ground layers: {', '.join(LAYERS)}.")
        self.list_of(m, "categories", "", self.category)
        self.list_of(m, "provides", "", self.provided_api)
        if "requires" in m:
            self.requires(m["requires"])
        self.list_of(m, "config", "", self.config_value)
        self.unique_config_names()
        return self.findings

    def category(self, value: Any, key: str) -> None:
        if not is_slug(value, (2, 64)):
            self.error("invalid-category", key, "A category is a lowercase slug such as `case-management`.")

    def provided_api(self, value: Any, key: str) -> None:
        item = self.mapping(value, key, "Each entry of `provides`")
        if item is None:
            return
        self.unknown_keys(item, {"api", "version"}, key)
        if not is_slug(item.get("api"), (2, 64)):
            self.error("invalid-api", join_key(key, "api"),
                       "`api` must name the standard API as a slug, e.g. `zgw-zaken`.")
        if not is_version(item.get("version")):
            self.error("invalid-version", join_key(key, "version"),
                       "`version` of a provided API must be a SemVer version such as 1.5.0 (quoted).")

    def requires(self, value: Any) -> None:
        requires = self.mapping(value, "requires", "`requires`")
        if requires is None:
            return
        self.unknown_keys(requires, {"apps", "apis", "platform"}, "requires")
        self.list_of(requires, "apps", "requires", self.required_app)
        self.list_of(requires, "apis", "requires", self.required_api)
        if "platform" in requires:
            self.platform(requires["platform"])

    def required_app(self, value: Any, key: str) -> None:
        item = self.mapping(value, key, "Each required app")
        if item is None:
            return
        self.unknown_keys(item, {"id", "version"}, key)
        if not is_slug(item.get("id")):
            self.error("invalid-id", join_key(key, "id"), "`id` must be the id of the required app.")
        self.version_range(item, key)

    def required_api(self, value: Any, key: str) -> None:
        item = self.mapping(value, key, "Each required API")
        if item is None:
            return
        self.unknown_keys(item, {"api", "version"}, key)
        if not is_slug(item.get("api"), (2, 64)):
            self.error("invalid-api", join_key(key, "api"), "`api` must name the standard API as a slug.")
        self.version_range(item, key)

    def version_range(self, item: Mapping[str, Any], key: str) -> None:
        if "version" in item and not is_range(item["version"]):
            self.error("invalid-range", join_key(key, "version"),
                       "`version` must be a range such as \">=1.4.0 <2.0.0\", \"^1.2\" or \"1.x\".")

    def platform(self, value: Any) -> None:
        key = "requires.platform"
        platform = self.mapping(value, key, "`requires.platform`")
        if platform is None:
            return
        self.unknown_keys(platform, {"kubernetes", "services", "storage"}, key)
        if "kubernetes" in platform and not is_range(platform["kubernetes"]):
            self.error("invalid-range", f"{key}.kubernetes",
                       "`kubernetes` must be a range of Kubernetes versions such as \">=1.29\".")
        self.list_of(platform, "services", key, self.service)
        self.list_of(platform, "storage", key, self.storage_mode)

    def service(self, value: Any, key: str) -> None:
        if not is_slug(value, (2, 64)):
            self.error("invalid-service", key, "A platform service is a slug such as `postgresql` or `redis`.")

    def storage_mode(self, value: Any, key: str) -> None:
        if value not in STORAGE_ACCESS_MODES:
            self.error("invalid-storage", key,
                       f"Storage must be an access mode: {', '.join(STORAGE_ACCESS_MODES)}.")

    def config_value(self, value: Any, key: str) -> None:
        item = self.mapping(value, key, "Each config value")
        if item is None:
            return
        self.unknown_keys(item, {"name", "required", "default", "example", "description", "helmValue"},
                          key)
        name = item.get("name")
        if not isinstance(name, str) or not CONFIG_NAME.match(name):
            self.error("invalid-config-name", join_key(key, "name"),
                       "`name` must be letters, digits and underscores, starting with a letter.")
        if "required" in item and not isinstance(item["required"], bool):
            self.error("type", join_key(key, "required"), "`required` must be true or false.")
        for field in ("default", "example", "description"):
            value = item.get(field)
            if field in item and (isinstance(value, bool) or not isinstance(value, (str, int, float))):
                self.error("type", join_key(key, field), f"`{field}` must be text; quote it.")
        if "helmValue" in item:
            self.helm_value(item["helmValue"], join_key(key, "helmValue"))

    def helm_value(self, value: Any, key: str) -> None:
        """The Helm values path a config value sets, e.g. ``ingress.hosts[0].host``."""
        try:
            parse_values_path(value)
        except ValuesPathError as exc:
            self.error("invalid-helm-value", key,
                       f"`helmValue` names the chart value this config value sets, such as "
                       f"`ingress.hosts[0].host`: {exc}.")

    def unique_config_names(self) -> None:
        seen: set[str] = set()
        for index, item in enumerate(self.manifest.get("config") or []):
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                if item["name"] in seen:
                    self.error("duplicate-config", f"config[{index}].name",
                               f"Config value `{item['name']}` is declared twice; keep one.")
                seen.add(item["name"])


@hookimpl(trylast=True)
def appstore_verify_manifest(manifest: Mapping[str, Any], context: VerificationContext) -> list[Finding]:
    return SchemaCheck(manifest).run()
