"""The appstore.yaml schema (manifest version 1): every rule, every key, all at once."""

from __future__ import annotations

from typing import Any

import pytest

from plugins.manifest_schema import REQUIRED, appstore_verify_manifest
from sdk.findings import Finding
from sdk.hookspecs import VerificationContext
from sdk.manifest import LAYERS, load_manifest
from tests import factories

OFFLINE = VerificationContext()


def check(manifest: dict[str, Any]) -> list[Finding]:
    return appstore_verify_manifest(manifest=manifest, context=OFFLINE)


def errors(manifest: dict[str, Any]) -> set[tuple[str, str]]:
    """(code, key) of every error."""
    findings = check(manifest)
    assert all(f.is_error for f in findings)
    return {(f.code, f.key) for f in findings}


def parsed(yaml_text: str) -> dict[str, Any]:
    """A manifest as the registry reads it from appstore.yaml (YAML 1.2)."""
    data, findings = load_manifest({"appstore.yaml": yaml_text.encode()})
    assert findings == [] and data is not None
    return data


def full_manifest() -> dict[str, Any]:
    """The example of DESIGN.md: every optional section filled in."""
    return factories.manifest(
        provides=[{"api": "zgw-zaken", "version": "1.5.0"}],
        requires={
            "apps": [{"id": "open-notificaties", "version": ">=1.4.0 <2.0.0"}],
            "apis": [{"api": "zgw-catalogi", "version": "^1.0"}],
            "platform": {"kubernetes": ">=1.29", "services": ["postgresql", "redis"],
                         "storage": ["ReadWriteMany"]},
        },
        config=[
            {"name": "hostname", "required": True, "example": "zaken.gemeente.example"},
            {"name": "replicas", "default": "2", "description": "Aantal pods"},
        ],
    )


def test_full_manifest_of_the_design_passes() -> None:
    assert check(full_manifest()) == []


@pytest.mark.parametrize("key", REQUIRED)
def test_required_key_missing_is_named(key: str) -> None:
    assert errors(factories.manifest(**{key: None})) == {("manifest.missing-key", key)}


def test_optional_keys_may_be_left_out() -> None:
    assert check(factories.manifest(layer=None, categories=None)) == []


@pytest.mark.parametrize("value", [2, 0, True, "1"])
def test_only_manifest_version_1_is_read(value: object) -> None:
    assert errors(factories.manifest(manifestVersion=value)) == {("manifest.unsupported-version", "manifestVersion")}


@pytest.mark.parametrize("app_id", ["abc", "open-zaak", "zaak2go", "a" + "b" * 63, "a1-b2-c3"])
def test_valid_app_ids(app_id: str) -> None:
    assert check(factories.manifest(id=app_id)) == []


@pytest.mark.parametrize("app_id", [
    "ab", "a" * 65, "Zaak", "zaak app", "1zaak", "-zaak", "zaak-", "zaak--app", "zaak_app", 42, ["zaak"],
])
def test_invalid_app_ids(app_id: object) -> None:
    assert errors(factories.manifest(id=app_id)) == {("manifest.invalid-id", "id")}


@pytest.mark.parametrize("version", ["1.4.0", "0.0.1", "1.5.0-rc.1", "2.0.0-alpha.1+build.7", "10.20.30"])
def test_semver_versions_pass(version: str) -> None:
    assert check(factories.manifest(version=version)) == []


@pytest.mark.parametrize("version", ["1.4", "v1.4.0", "1.4.0.1", "01.4.0", "1.4.0-", "latest", ""])
def test_versions_that_are_not_semver_are_errors(version: str) -> None:
    assert errors(factories.manifest(version=version)) == {("manifest.invalid-version", "version")}


@pytest.mark.parametrize("line", ["version: 1.4", "version: 2"])
def test_unquoted_number_as_version_says_to_quote_it(line: str) -> None:
    manifest = parsed(f"manifestVersion: 1\nid: zaken\n{line}\n")
    [finding] = [f for f in check(manifest) if f.key == "version"]
    assert finding.code == "manifest.invalid-version"
    assert "quote" in finding.message


def test_version_written_plainly_in_yaml_stays_text() -> None:
    manifest = parsed("version: 1.4.0\n")
    assert ("manifest.invalid-version", "version") not in errors(manifest)


def test_summary_of_150_characters_passes_and_151_is_too_long() -> None:
    assert check(factories.manifest(summary="x" * 150)) == []
    assert errors(factories.manifest(summary="x" * 151)) == {("manifest.too-long", "summary")}


def test_name_of_more_than_100_characters_is_too_long() -> None:
    assert errors(factories.manifest(name="N" * 101)) == {("manifest.too-long", "name")}


@pytest.mark.parametrize("key", ["name", "summary", "license"])
@pytest.mark.parametrize("value", ["", "   ", 12, ["a"]])
def test_texts_must_be_non_empty_text(key: str, value: object) -> None:
    assert errors(factories.manifest(**{key: value})) == {("manifest.type", key)}


def test_number_where_text_is_wanted_says_to_quote_it() -> None:
    [finding] = check(parsed("manifestVersion: 1\nid: zaken\nversion: '1.0.0'\nname: 2024\nsummary: s\n"
                             "publisher: dimpact\nlicense: EUPL-1.2\n"))
    assert (finding.code, finding.key) == ("manifest.type", "name")
    assert "quote it" in finding.message


@pytest.mark.parametrize("layer", LAYERS)
def test_each_common_ground_layer_passes(layer: str) -> None:
    assert check(factories.manifest(layer=layer)) == []


@pytest.mark.parametrize("layer", ["presentation", "Process", "", 3])
def test_unknown_layer_is_an_error(layer: object) -> None:
    assert errors(factories.manifest(layer=layer)) == {("manifest.invalid-layer", "layer")}


@pytest.mark.parametrize("publisher", ["Dimpact", "dimpact_nl", "d", "", 7])
def test_publisher_must_be_an_organisation_slug(publisher: object) -> None:
    assert errors(factories.manifest(publisher=publisher)) == {("manifest.invalid-publisher", "publisher")}


def test_categories_must_be_a_list_of_slugs() -> None:
    assert errors(factories.manifest(categories="case-management")) == {("manifest.type", "categories")}
    bad = factories.manifest(categories=["case-management", "Case Management", 3])
    assert errors(bad) == {("manifest.invalid-category", "categories[1]"),
                           ("manifest.invalid-category", "categories[2]")}


def test_provides_entries_need_an_api_slug_and_a_semver_version() -> None:
    bad = factories.manifest(provides=[
        {"api": "zgw-zaken", "version": "1.5.0"},
        {"api": "ZGW Zaken", "version": "^1.5"},
        "zgw-zaken",
    ])
    assert errors(bad) == {
        ("manifest.invalid-api", "provides[1].api"),
        ("manifest.invalid-version", "provides[1].version"),
        ("manifest.type", "provides[2]"),
    }


@pytest.mark.parametrize("constraint", [
    ">=1.4.0 <2.0.0", "^1.2", "~1.2.3", "1.x", "^1.0 || ^2.0", ">=1.4.0 <2.0.0 || >=3.0.0", "1.2.3",
])
def test_version_ranges_in_npm_syntax_pass(constraint: str) -> None:
    manifest = factories.manifest(requires={
        "apps": [{"id": "open-notificaties", "version": constraint}],
        "apis": [{"api": "zgw-catalogi", "version": constraint}],
    })
    assert check(manifest) == []


@pytest.mark.parametrize("constraint", ["latest", ">>1.0", "1.0.0 <", "^", "", "=> 1.0"])
def test_invalid_version_ranges_are_errors(constraint: str) -> None:
    manifest = factories.manifest(requires={
        "apps": [{"id": "open-notificaties", "version": constraint}],
        "apis": [{"api": "zgw-catalogi", "version": constraint}],
    })
    assert errors(manifest) == {("manifest.invalid-range", "requires.apps[0].version"),
                                ("manifest.invalid-range", "requires.apis[0].version")}


def test_unquoted_number_as_range_is_an_error() -> None:
    manifest = parsed("requires:\n  apps:\n    - id: open-notificaties\n      version: 1.4\n")
    assert ("manifest.invalid-range", "requires.apps[0].version") in errors(manifest)


def test_required_apps_and_apis_need_ids() -> None:
    manifest = factories.manifest(requires={
        "apps": [{"id": "Open Notificaties", "version": "^1.0"}, "open-notificaties"],
        "apis": [{"version": "^1.0"}],
    })
    assert errors(manifest) == {
        ("manifest.invalid-id", "requires.apps[0].id"),
        ("manifest.type", "requires.apps[1]"),
        ("manifest.invalid-api", "requires.apis[0].api"),
    }


def test_requires_must_be_a_mapping_and_its_lists_lists() -> None:
    assert errors(factories.manifest(requires=["open-notificaties"])) == {("manifest.type", "requires")}
    assert errors(factories.manifest(requires={"apps": {"id": "x"}})) == {("manifest.type", "requires.apps")}


def test_platform_requirements_are_checked() -> None:
    manifest = factories.manifest(requires={"platform": {
        "kubernetes": "latest",
        "services": ["postgresql", "Redis Cache"],
        "storage": ["ReadWriteMany", "rwx"],
    }})
    assert errors(manifest) == {
        ("manifest.invalid-range", "requires.platform.kubernetes"),
        ("manifest.invalid-service", "requires.platform.services[1]"),
        ("manifest.invalid-storage", "requires.platform.storage[1]"),
    }
    assert errors(factories.manifest(requires={"platform": "haven"})) == {("manifest.type", "requires.platform")}


def test_config_names_must_be_identifiers() -> None:
    manifest = factories.manifest(config=[
        {"name": "hostname"}, {"name": "DB_HOST"}, {"name": "host-name"}, {"name": "1host"}, {"required": True},
    ])
    assert errors(manifest) == {
        ("manifest.invalid-config-name", "config[2].name"),
        ("manifest.invalid-config-name", "config[3].name"),
        ("manifest.invalid-config-name", "config[4].name"),
    }


def test_config_declared_twice_names_the_second() -> None:
    manifest = factories.manifest(config=[{"name": "hostname"}, {"name": "replicas"}, {"name": "hostname"}])
    assert errors(manifest) == {("manifest.duplicate-config", "config[2].name")}


def test_config_fields_have_types() -> None:
    manifest = factories.manifest(config=[
        {"name": "replicas", "default": 2, "example": 2.5},  # numbers are written as text at install
        {"name": "debug", "required": "yes", "default": True, "example": ["a"], "description": {"nl": "x"}},
    ])
    assert errors(manifest) == {
        ("manifest.type", "config[1].required"),
        ("manifest.type", "config[1].default"),
        ("manifest.type", "config[1].example"),
        ("manifest.type", "config[1].description"),
    }
    assert errors(factories.manifest(config=["hostname"])) == {("manifest.type", "config[0]")}


def test_a_secret_entry_has_no_default_and_only_a_placeholder_example() -> None:
    manifest = factories.manifest(config=[
        {"name": "dbPassword", "secret": True, "example": "<your password>"},
        {"name": "apiToken", "secret": True, "default": "s3cr3t-t0ken"},
        {"name": "smtpPassword", "secret": True, "example": "Welkom01!Welkom"},
        {"name": "hostname", "secret": "yes"},
        {"name": "replicas", "secret": False, "default": "2"},
    ])
    assert errors(manifest) == {
        ("manifest.secret-default", "config[1].default"),
        ("manifest.secret-example", "config[2].example"),
        ("manifest.type", "config[3].secret"),
    }


def test_unknown_keys_are_named_at_every_level() -> None:
    manifest = full_manifest()
    manifest["homepage"] = "https://example.org"
    manifest["provides"][0]["spec"] = "openapi.yaml"
    manifest["requires"]["services"] = ["redis"]
    manifest["requires"]["apps"][0]["optional"] = True
    manifest["requires"]["apis"][0]["url"] = "https://example.org"
    manifest["requires"]["platform"]["gpu"] = True
    manifest["config"][0]["sensitive"] = True
    assert errors(manifest) == {
        ("manifest.unknown-key", "homepage"),
        ("manifest.unknown-key", "provides[0].spec"),
        ("manifest.unknown-key", "requires.services"),
        ("manifest.unknown-key", "requires.apps[0].optional"),
        ("manifest.unknown-key", "requires.apis[0].url"),
        ("manifest.unknown-key", "requires.platform.gpu"),
        ("manifest.unknown-key", "config[0].sensitive"),
    }


def test_every_error_is_reported_at_once_each_with_its_key() -> None:
    manifest_with_many_mistakes = factories.manifest(
        id="Zaak App", version="1.4", summary="x" * 151, layer="presentation", publisher="Dimpact",
        name=None, categories=["Zaken"], requires={"apps": [{"id": "open-notificaties", "version": "latest"}]},
        config=[{"name": "a"}, {"name": "a"}], colour="blue",
    )
    assert errors(manifest_with_many_mistakes) == {
        ("manifest.missing-key", "name"),
        ("manifest.invalid-id", "id"),
        ("manifest.invalid-version", "version"),
        ("manifest.too-long", "summary"),
        ("manifest.invalid-layer", "layer"),
        ("manifest.invalid-publisher", "publisher"),
        ("manifest.invalid-category", "categories[0]"),
        ("manifest.invalid-range", "requires.apps[0].version"),
        ("manifest.duplicate-config", "config[1].name"),
        ("manifest.unknown-key", "colour"),
    }
    assert all(f.message for f in check(manifest_with_many_mistakes))


# -- requirements as real Common Ground apps ship (services, operators, APIs, hosts, layers) --

def real_world_manifest() -> dict[str, Any]:
    """Every newer form: properties, alternatives, optional and external needs, a host, several layers."""
    return factories.manifest(
        layer=["process", "integration"],
        extends={"app": "open-formulieren", "version": ">=2.0 <3"},
        requires={
            "apis": [
                {"api": "zgw-catalogi", "version": "^1.0", "optional": True},
                {"anyOf": [{"api": "zgw-zaken", "version": "^1.0"}, {"api": "zaken-light"}]},
            ],
            "external": [
                {"service": "rabbitmq", "config": "RABBITMQ_URL"},
                {"api": "brp", "description": "Basisregistratie Personen, via de Haal Centraal API"},
            ],
            "platform": {
                "services": ["redis", {"name": "postgresql", "version": ">=14", "extensions": ["postgis"]},
                             {"name": "elasticsearch", "provider": "municipality", "config": "ES_URL"}],
                "operators": ["cert-manager", {"name": "solr-operator", "version": ">=0.7"}],
            },
        },
    )


def test_every_newer_requirement_form_passes() -> None:
    assert check(real_world_manifest()) == []


def test_older_forms_stay_valid() -> None:
    assert check(full_manifest()) == []
    assert check(factories.manifest(layer="data")) == []


@pytest.mark.parametrize(("change", "expected"), [
    ({"layer": ["process", "attic"]}, {("manifest.invalid-layer", "layer[1]")}),
    ({"layer": ["process", "process"]}, {("manifest.duplicate-layer", "layer")}),
    ({"layer": []}, {("manifest.type", "layer")}),
    ({"extends": {"app": "Open Formulieren"}}, {("manifest.invalid-id", "extends.app")}),
    ({"extends": {"app": "zaakafhandelcomponent", "version": "2"}}, {("manifest.extends-itself", "extends.app")}),
    ({"extends": {"app": "open-formulieren", "version": "two"}}, {("manifest.invalid-range", "extends.version")}),
    ({"extends": "open-formulieren"}, {("manifest.type", "extends")}),
])
def test_layers_and_hosts_are_checked(change: dict[str, Any], expected: set[tuple[str, str]]) -> None:
    assert errors(factories.manifest(**change)) == expected


@pytest.mark.parametrize(("requires", "expected"), [
    ({"apis": [{"api": "zgw-zaken", "optional": "yes"}]}, {("manifest.type", "requires.apis[0].optional")}),
    ({"apis": [{"anyOf": [{"api": "zgw-zaken"}]}]}, {("manifest.any-of", "requires.apis[0].anyOf")}),
    ({"apis": [{"anyOf": [{"api": f"api-{n}"} for n in range(11)]}]}, {("manifest.any-of", "requires.apis[0].anyOf")}),
    ({"apis": [{"anyOf": [{"api": "zgw-zaken"}, {"api": "X", "version": "^1"}]}]},
     {("manifest.invalid-api", "requires.apis[0].anyOf[1].api")}),
    ({"apis": [{"anyOf": [{"api": "a1"}, {"api": "b1"}], "version": "1"}]},
     {("manifest.unknown-key", "requires.apis[0].version")}),
    ({"external": [{"service": "rabbitmq"}]}, {("manifest.external-config", "requires.external[0].config")}),
    ({"external": [{"name": "brp"}]}, {("manifest.external-kind", "requires.external[0]")}),
    ({"external": [{"api": "brp", "config": "X"}]}, {("manifest.unknown-key", "requires.external[0].config")}),
    ({"platform": {"services": [{"name": "postgresql", "extensions": "postgis"}]}},
     {("manifest.invalid-extensions", "requires.platform.services[0].extensions")}),
    ({"platform": {"services": [{"name": "postgresql", "version": "sixteen"}]}},
     {("manifest.invalid-range", "requires.platform.services[0].version")}),
    ({"platform": {"services": [{"name": "rabbitmq", "provider": "vendor"}]}},
     {("manifest.invalid-provider", "requires.platform.services[0].provider")}),
    ({"platform": {"services": [{"name": "rabbitmq", "provider": "municipality"}]}},
     {("manifest.external-config", "requires.platform.services[0].config")}),
    ({"platform": {"services": [{"name": "redis", "config": "REDIS_URL"}]}},
     {("manifest.config-without-municipality", "requires.platform.services[0].config")}),
    ({"platform": {"operators": ["Solr Operator", {"name": "solr-operator", "version": "newest"}]}},
     {("manifest.invalid-operator", "requires.platform.operators[0]"),
      ("manifest.invalid-range", "requires.platform.operators[1].version")}),
])
def test_newer_requirements_get_clear_errors(requires: dict[str, Any], expected: set[tuple[str, str]]) -> None:
    assert errors(factories.manifest(requires=requires)) == expected


def test_the_typed_manifest_keeps_every_layer() -> None:
    from sdk.manifest import Manifest

    typed = Manifest.from_mapping(real_world_manifest())
    assert typed.layer == "process" and typed.layers == ("process", "integration")
    assert Manifest.from_mapping(factories.manifest(layer="data")).layers == ("data",)
