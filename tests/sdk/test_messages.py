"""The message catalogues of findings: both languages complete and alike, and
findings rendered from their code and data."""

from __future__ import annotations

from typing import Any

import pytest

from plugins.manifest_schema import SchemaCheck
from sdk.findings import Finding
from sdk.messages import catalogue, describe, render, template_fields
from sdk.verification import postponed
from tests.factories import manifest


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
    later = postponed(finding, "Haven", date(2027, 1, 1))
    assert later.code == "version.exists" and later.severity == "warning"
    assert later.message == (f"{finding.message} (Not binding on Haven until 2027-01-01.)")
    dutch, language = describe(later.code, later.data, later.message, "nl")
    assert language == "nl" and dutch.startswith("Versie 1.0.0 van deze app")
    assert dutch.endswith("(Op Haven pas bindend vanaf 2027-01-01.)")
