"""The message catalogues of findings: both languages complete and alike, and
findings rendered from their code and data."""

from __future__ import annotations

import re
from typing import Any

import pytest

from plugins.manifest_schema import SchemaCheck
from sdk.findings import Finding
from sdk.messages import POSTPONED, catalogue, describe, render, template_fields
from sdk.verification import noted
from tests.factories import manifest
from tests.sdk.bad_packages import bad_deploy, bad_package, every_finding, publiccode_packages


def entries(language: str) -> dict[tuple[str, Any], set[str]]:
    return {(code, t.when): t.fields() for code, templates in catalogue(language).items() for t in templates}


def test_both_languages_have_the_same_entries_with_the_same_fields() -> None:
    english, dutch = entries("en"), entries("nl")
    assert english.keys() == dutch.keys()
    for entry, fields in english.items():
        assert dutch[entry] == fields, entry


@pytest.mark.parametrize("language", ["en", "nl"])
def test_templates_name_plain_fields_only(language: str) -> None:
    for code, templates in catalogue(language).items():
        for template in templates:
            for text in (template.one, template.other):
                # no attribute access, indexing or format specs: data values are shown as they are
                assert all(name.isidentifier() for name in template_fields(text)), (code, text)
                assert "`" not in text, (code, text)


def bad_manifest() -> dict[str, Any]:
    return manifest(id="Open_Zaak", version=14, layer="attic", summary="x" * 200, categories="zaken",
                    config=[{"name": "host"}, {"name": "host", "required": "yes"}], colour="blue")


def test_manifest_findings_render_in_dutch_from_their_data() -> None:
    findings = SchemaCheck(bad_manifest()).run()
    assert len(findings) >= 7
    for finding in findings:
        text, language = describe(finding.code, finding.data, finding.message, "nl")
        assert language == "nl", finding
        assert "None" not in text and "{" not in text
        assert finding.message == render(finding.code, finding.data, "en")


def test_a_wording_is_chosen_by_the_data() -> None:
    list_wanted = Finding.error("manifest.type", key="categories", data={"field": "categories", "expected": "list"})
    text_wanted = Finding.error("manifest.type", key="name", data={"field": "name", "expected": "text"})
    assert list_wanted.message == "categories must be a list."
    assert text_wanted.message == "name must be a non-empty text."
    assert render("manifest.type", list_wanted.data, "nl") == "categories moet een lijst zijn."


def test_missing_data_falls_back_to_the_written_message_never_to_none() -> None:
    finding = Finding.error("yaml.encoding", "Written by the check.", "x.yaml", data={"path": None})
    assert describe(finding.code, finding.data, finding.message, "nl") == ("Written by the check.", "en")
    assert render("no.such-code", {}, "en") is None


def test_finding_data_is_read_only_and_travels_through_json() -> None:
    source = {"version": "1.0.0"}
    finding = Finding.info("version.prerelease", key="version", data=source)
    source["version"] = "2.0.0"
    assert finding.data["version"] == "1.0.0"
    with pytest.raises(TypeError):
        finding.data["version"] = "3.0.0"  # type: ignore[index]
    again = Finding.from_dict(finding.to_dict())
    assert again == finding and dict(again.data) == {"version": "1.0.0"}


def test_a_postponed_policy_keeps_its_words_in_both_languages() -> None:
    from datetime import date

    finding = Finding.error("version.exists", key="version", data={"version": "1.0.0"})
    later = noted(finding, POSTPONED, profile="Haven", bindingFrom=date(2027, 1, 1).isoformat())
    assert later.code == "version.exists" and later.severity == "warning"
    assert later.message == (f"{finding.message} (Not binding on Haven until 2027-01-01.)")
    dutch, language = describe(later.code, later.data, later.message, "nl")
    assert language == "nl" and dutch.startswith("Versie 1.0.0 van deze app")
    assert dutch.endswith("(Op Haven pas bindend vanaf 2027-01-01.)")


#: A field the catalogue did not fill in: ``{name}`` (a ``${name}`` example is text).
UNFILLED = re.compile(r"(?<!\$)\{[A-Za-z_]*\}")
#: Codes the bad packages must produce, so that the test below cannot pass on too little.
KUBERNETES_CODES = {
    "kubernetes.invalid-object", "kubernetes.invalid-list", "kubernetes.schema", "kubernetes.unknown-api",
    "kubernetes.removed-api", "kubernetes.deprecated-api", "kubernetes.undeclared-custom-resource",
    "kubernetes.version-range", "kubernetes.version-unchecked", "pod-security.privileged",
    "pod-security.host-namespaces", "pod-security.capabilities", "pod-security.host-path",
    "pod-security.host-ports", "pod-security.apparmor", "pod-security.selinux", "pod-security.proc-mount",
    "pod-security.seccomp", "pod-security.sysctls", "pod-security.host-process", "pod-security.host-probes",
    "pod-security.volume-types", "pod-security.privilege-escalation", "pod-security.run-as-non-root",
    "pod-security.run-as-user", "resources.missing-requests", "resources.missing-limits",
    "probes.missing-readiness", "probes.missing-liveness", "images.missing", "images.invalid-digest",
    "images.latest", "images.mutable-tag", "storage.access-mode", "storage.undeclared", "storage.no-class",
    "storage.cloud-class", "storage.class", "services.unavailable", "services.undeclared",
    "operators.missing", "credentials.literal", "credentials.private-key", "render.invalid-yaml",
}


PUBLICCODE_CODES = {f"publiccode.{code}" for code in (
    "required", "empty", "invalid-value", "invalid-url", "invalid-date", "invalid-category", "invalid-mime-type",
    "invalid-scope", "invalid-country", "deprecated", "duplicate-section", "invalid-ipa-code", "invalid-uri",
    "unknown-alias", "invalid-license", "too-short", "too-long", "invalid-video", "contractors-not-allowed",
    "invalid-email", "wrong-type", "unknown-key", "duplicate-key", "not-a-mapping", "encoding", "yaml-syntax",
    "unsupported-version", "outdated-version", "nl-section", "nl-layer", "absolute-path", "file-url",
    "invalid-logo", "invalid-screenshot", "file-missing")}


def assert_readable_in_dutch(findings: list[Finding]) -> None:
    for finding in findings:
        text, language = describe(finding.code, finding.data, finding.message, "nl")
        assert language == "nl", finding
        for words in (text, finding.message):
            assert "None" not in words and "`" not in words and not UNFILLED.search(words), (finding.code, words)
        # The English words come from the catalogue too: no check writes its own.
        assert finding.data.get("note") or finding.message == render(finding.code, finding.data, "en"), finding
        for value in finding.data.values():
            # JSON scalars or lists of them, nothing a program has to take apart.
            items = value if isinstance(value, list) else [value]
            assert all(item is None or isinstance(item, str | int | float | bool) for item in items), (
                finding.code, value)


def test_every_kubernetes_finding_renders_in_dutch_from_its_data() -> None:
    findings = every_finding([bad_deploy()])
    assert KUBERNETES_CODES <= {f.code for f in findings}
    assert_readable_in_dutch(findings)


def test_every_finding_of_a_broken_package_renders_in_dutch() -> None:
    broken = bad_package(bad_manifest(), {"publiccodeYmlVersion": "0", "name": 12})
    findings = every_finding([broken, *publiccode_packages()])
    assert PUBLICCODE_CODES | {"manifest.invalid-id", "manifest.unknown-key"} <= {f.code for f in findings}
    assert_readable_in_dutch(findings)
