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
from sdk.requirements import PROVIDERS
from sdk.secrets import looks_like_placeholder
from sdk.text import hidden_characters
from sdk.versions import is_range, is_version

PLUGIN_NAME = "manifest-schema"

CONFIG_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\Z")
EXTENSION = re.compile(r"^[a-z][a-z0-9_-]*\Z")  # a PostgreSQL extension: postgis, pg_trgm
MAX_DESCRIPTION = 300
MAX_ALTERNATIVES = 10  # APIs in one anyOf: each is a path the install resolver may try
TOP_LEVEL = {
    "manifestVersion", "id", "version", "name", "summary", "publisher", "license",
    "layer", "categories", "provides", "requires", "config", "extends",
}
REQUIRED = ("manifestVersion", "id", "version", "name", "summary", "publisher", "license")


class SchemaCheck:
    """Walks one manifest and collects every problem with its key."""

    def __init__(self, manifest: Mapping[str, Any]) -> None:
        self.manifest = manifest
        self.findings: list[Finding] = []

    def error(self, code: str, key: str, **data: Any) -> None:
        """An error whose words come from the catalogue (``manifest.<code>``)."""
        self.findings.append(Finding.error(f"manifest.{code}", key=key, data=data))

    def unknown_keys(self, mapping: Mapping[str, Any], allowed: set[str], key: str) -> None:
        for name in mapping:
            if name not in allowed:
                where = join_key(key, str(name))
                self.error("unknown-key", where, field=str(name), allowed=sorted(allowed))

    def text(self, mapping: Mapping[str, Any], name: str, key: str, *, max_len: int | None = None) -> str | None:
        value = mapping.get(name)
        where = join_key(key, name)
        if not isinstance(value, str) or not value.strip():
            expected = "quoted-text" if isinstance(value, (int, float, bool)) else "text"
            self.error("type", where, field=name, expected=expected)
            return None
        if max_len is not None and len(value) > max_len:
            self.error("too-long", where, field=name, length=len(value), limit=max_len)
        return value

    def visible(self, value: str | None, key: str) -> None:
        """Names and summaries show only what a reader sees: no zero-width, direction or control characters."""
        hidden = hidden_characters(value) if value else []
        if hidden:
            self.error("invisible-character", key, field=key, characters=", ".join(hidden[:3]))

    def list_of(self, mapping: Mapping[str, Any], name: str, key: str,
                each: Callable[[Any, str], None]) -> None:
        if name not in mapping:
            return
        value = mapping[name]
        where = join_key(key, name)
        if not isinstance(value, list):
            self.error("type", where, field=name, expected="list")
            return
        for index, item in enumerate(value):
            each(item, join_key(where, index))

    def mapping(self, value: Any, key: str) -> Mapping[str, Any] | None:
        if not isinstance(value, dict):
            self.error("type", key, field=key, expected="mapping")
            return None
        return value

    def run(self) -> list[Finding]:
        m = self.manifest
        for name in REQUIRED:
            if name not in m:
                self.error("missing-key", name, field=name)
        self.unknown_keys(m, TOP_LEVEL, "")
        declared = m.get("manifestVersion")
        if "manifestVersion" in m and (declared != MANIFEST_VERSION or isinstance(declared, bool)):
            self.error("unsupported-version", "manifestVersion", supported=MANIFEST_VERSION)
        if "id" in m and not is_slug(m["id"]):
            self.error("invalid-id", "id", field="id")
        if "version" in m and not is_version(m["version"]):
            self.error("invalid-version", "version", field="version",
                       quote=isinstance(m["version"], (int, float)))
        if "name" in m:
            self.visible(self.text(m, "name", "", max_len=MAX_NAME), "name")
        if "summary" in m:
            self.visible(self.text(m, "summary", "", max_len=MAX_SUMMARY), "summary")
        if "publisher" in m and not is_slug(m["publisher"], (2, 64)):
            self.error("invalid-publisher", "publisher", field="publisher")
        if "license" in m:
            self.text(m, "license", "")
        if "layer" in m:
            self.layer(m["layer"])
        if "extends" in m:
            self.extends(m["extends"])
        self.list_of(m, "categories", "", self.category)
        self.list_of(m, "provides", "", self.provided_api)
        if "requires" in m:
            self.requires(m["requires"])
        self.list_of(m, "config", "", self.config_value)
        self.unique_config_names()
        return self.findings

    def layer(self, value: Any) -> None:
        """One Common Ground layer, or a list of them for an app that spans layers."""
        if isinstance(value, list):
            if not value:
                self.error("type", "layer", field="layer", expected="list")
            for index, item in enumerate(value):
                if item not in LAYERS:
                    self.error("invalid-layer", f"layer[{index}]", field=f"layer[{index}]", allowed=list(LAYERS))
            if len({str(v) for v in value}) != len(value):
                self.error("duplicate-layer", "layer")
        elif value not in LAYERS:
            self.error("invalid-layer", "layer", field="layer", allowed=list(LAYERS))

    def extends(self, value: Any) -> None:
        """The host app this one is a plugin of, and the host's versions it fits."""
        item = self.mapping(value, "extends")
        if item is None:
            return
        self.unknown_keys(item, {"app", "version"}, "extends")
        if not is_slug(item.get("app")):
            self.error("invalid-id", "extends.app", field="extends.app")
        elif item["app"] == self.manifest.get("id"):
            self.error("extends-itself", "extends.app")
        self.version_range(item, "extends")

    def category(self, value: Any, key: str) -> None:
        if not is_slug(value, (2, 64)):
            self.error("invalid-category", key, field=key)

    def provided_api(self, value: Any, key: str) -> None:
        item = self.mapping(value, key)
        if item is None:
            return
        self.unknown_keys(item, {"api", "version"}, key)
        if not is_slug(item.get("api"), (2, 64)):
            self.error("invalid-api", join_key(key, "api"), field=join_key(key, "api"))
        if not is_version(item.get("version")):
            self.error("invalid-version", join_key(key, "version"), field=join_key(key, "version"), quote=True)

    def requires(self, value: Any) -> None:
        requires = self.mapping(value, "requires")
        if requires is None:
            return
        self.unknown_keys(requires, {"apps", "apis", "platform", "external"}, "requires")
        self.list_of(requires, "apps", "requires", self.required_app)
        self.list_of(requires, "apis", "requires", self.required_api)
        self.list_of(requires, "external", "requires", self.external)
        if "platform" in requires:
            self.platform(requires["platform"])

    def required_app(self, value: Any, key: str) -> None:
        item = self.mapping(value, key)
        if item is None:
            return
        self.unknown_keys(item, {"id", "version"}, key)
        if not is_slug(item.get("id")):
            self.error("invalid-id", join_key(key, "id"), field=join_key(key, "id"))
        self.version_range(item, key)

    def required_api(self, value: Any, key: str) -> None:
        """One API (``api``) or alternatives of which one will do (``anyOf``); ``optional``: used when present."""
        item = self.mapping(value, key)
        if item is None:
            return
        if "anyOf" in item:
            self.unknown_keys(item, {"anyOf", "optional"}, key)
            options = item["anyOf"]
            if not isinstance(options, list) or not 2 <= len(options) <= MAX_ALTERNATIVES:
                self.error("any-of", join_key(key, "anyOf"), field=join_key(key, "anyOf"), limit=MAX_ALTERNATIVES)
            else:
                for index, option in enumerate(options):
                    self.one_api(option, join_key(join_key(key, "anyOf"), index), set())
        else:
            self.one_api(item, key, {"optional"})
        if "optional" in item and not isinstance(item["optional"], bool):
            self.error("type", join_key(key, "optional"), field="optional", expected="boolean")

    def one_api(self, value: Any, key: str, also: set[str]) -> None:
        item = self.mapping(value, key)
        if item is None:
            return
        self.unknown_keys(item, {"api", "version"} | also, key)
        if not is_slug(item.get("api"), (2, 64)):
            self.error("invalid-api", join_key(key, "api"), field=join_key(key, "api"))
        self.version_range(item, key)

    def external(self, value: Any, key: str) -> None:
        """A service the municipality brings (``service`` + ``config``) or an external API it confirms (``api``)."""
        item = self.mapping(value, key)
        if item is None:
            return
        if "service" in item:
            self.unknown_keys(item, {"service", "config", "description"}, key)
            if not is_slug(item["service"], (2, 64)):
                self.error("invalid-service", join_key(key, "service"), field=join_key(key, "service"))
            self.config_reference(item, key)
        elif "api" in item:
            self.unknown_keys(item, {"api", "description"}, key)
            if not is_slug(item["api"], (2, 64)):
                self.error("invalid-api", join_key(key, "api"), field=join_key(key, "api"))
        else:
            self.error("external-kind", key, field=key)
        if "description" in item:
            self.text(item, "description", key, max_len=MAX_DESCRIPTION)

    def config_reference(self, item: Mapping[str, Any], key: str) -> None:
        """The config value that points the app at a service the municipality brings."""
        name = item.get("config")
        where = join_key(key, "config")
        if not isinstance(name, str) or not CONFIG_NAME.match(name) or len(name) > 128:
            self.error("external-config", where, field=where)

    def version_range(self, item: Mapping[str, Any], key: str) -> None:
        if "version" in item and not is_range(item["version"]):
            self.error("invalid-range", join_key(key, "version"), field=join_key(key, "version"))

    def platform(self, value: Any) -> None:
        key = "requires.platform"
        platform = self.mapping(value, key)
        if platform is None:
            return
        self.unknown_keys(platform, {"kubernetes", "services", "storage", "operators"}, key)
        if "kubernetes" in platform and not is_range(platform["kubernetes"]):
            self.error("invalid-range", f"{key}.kubernetes", field=f"{key}.kubernetes")
        self.list_of(platform, "services", key, self.service)
        self.list_of(platform, "storage", key, self.storage_mode)
        self.list_of(platform, "operators", key, self.operator)

    def service(self, value: Any, key: str) -> None:
        """A slug, or a mapping with the service's version range, extensions and who provides it."""
        if not isinstance(value, dict):
            if not is_slug(value, (2, 64)):
                self.error("invalid-service", key, field=key)
            return
        self.unknown_keys(value, {"name", "version", "extensions", "provider", "config"}, key)
        if not is_slug(value.get("name"), (2, 64)):
            self.error("invalid-service", join_key(key, "name"), field=join_key(key, "name"))
        self.version_range(value, key)
        if "extensions" in value:
            extensions = value["extensions"]
            if not isinstance(extensions, list) or not all(
                    isinstance(e, str) and len(e) <= 64 and EXTENSION.match(e) for e in extensions):
                self.error("invalid-extensions", join_key(key, "extensions"), field=join_key(key, "extensions"))
        provider = value.get("provider", PROVIDERS[0])
        if provider not in PROVIDERS:
            self.error("invalid-provider", join_key(key, "provider"), field=join_key(key, "provider"),
                       allowed=list(PROVIDERS))
        elif provider == "municipality":
            self.config_reference(value, key)
        elif "config" in value:
            self.error("config-without-municipality", join_key(key, "config"), field=join_key(key, "config"))

    def operator(self, value: Any, key: str) -> None:
        if not isinstance(value, dict):
            if not is_slug(value, (2, 64)):
                self.error("invalid-operator", key, field=key)
            return
        self.unknown_keys(value, {"name", "version"}, key)
        if not is_slug(value.get("name"), (2, 64)):
            self.error("invalid-operator", join_key(key, "name"), field=join_key(key, "name"))
        self.version_range(value, key)

    def storage_mode(self, value: Any, key: str) -> None:
        if value not in STORAGE_ACCESS_MODES:
            self.error("invalid-storage", key, field=key, allowed=list(STORAGE_ACCESS_MODES))

    def config_value(self, value: Any, key: str) -> None:
        item = self.mapping(value, key)
        if item is None:
            return
        self.unknown_keys(item, {"name", "required", "default", "example", "description", "helmValue",
                                "secret"}, key)
        name = item.get("name")
        if not isinstance(name, str) or not CONFIG_NAME.match(name):
            self.error("invalid-config-name", join_key(key, "name"), field=join_key(key, "name"))
        if "required" in item and not isinstance(item["required"], bool):
            self.error("type", join_key(key, "required"), field="required", expected="boolean")
        for field in ("default", "example", "description"):
            value = item.get(field)
            if field in item and (isinstance(value, bool) or not isinstance(value, (str, int, float))):
                self.error("type", join_key(key, field), field=field, expected="quoted-text")
        if "helmValue" in item:
            self.helm_value(item["helmValue"], join_key(key, "helmValue"))
        if "secret" in item:
            self.secret_entry(item, key)

    def secret_entry(self, item: Mapping[str, Any], key: str) -> None:
        """A secret has no default, and its example is a placeholder, never a usable value."""
        if not isinstance(item["secret"], bool):
            self.error("type", join_key(key, "secret"), field="secret", expected="boolean")
        elif item["secret"]:
            if item.get("default") is not None:
                self.error("secret-default", join_key(key, "default"), field=join_key(key, "default"))
            example = item.get("example")
            if example is not None and not looks_like_placeholder(str(example)):
                self.error("secret-example", join_key(key, "example"), field=join_key(key, "example"))

    def helm_value(self, value: Any, key: str) -> None:
        """The Helm values path a config value sets, e.g. ``ingress.hosts[0].host``."""
        try:
            parse_values_path(value)
        except ValuesPathError as exc:
            self.error("invalid-helm-value", key, field=key, reason=exc.reason, position=exc.position,
                       limit=exc.limit)

    def unique_config_names(self) -> None:
        seen: set[str] = set()
        for index, item in enumerate(self.manifest.get("config") or []):
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                if item["name"] in seen:
                    self.error("duplicate-config", f"config[{index}].name", name=item["name"])
                seen.add(item["name"])


@hookimpl(trylast=True)
def appstore_verify_manifest(manifest: Mapping[str, Any], context: VerificationContext) -> list[Finding]:
    return SchemaCheck(manifest).run()
