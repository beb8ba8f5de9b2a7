"""Reading a publiccode.yml: encoding, YAML 1.2, versions, types, unknown keys, nl section."""

from __future__ import annotations

import pytest

from tests.plugins.publiccode_support import document, errors, run, warnings


def test_minimal_document_has_no_findings():
    assert run(document()) == []


def test_invalid_utf8_is_an_error_not_a_crash():
    assert errors(document().encode("utf-16")) == {"": "publiccode.encoding"}
    assert errors(b"name: caf\xe9\n") == {"": "publiccode.encoding"}


def test_byte_order_mark_is_accepted():
    assert run(b"\xef\xbb\xbf" + document().encode()) == []


@pytest.mark.parametrize(
    "text, code",
    [
        ("name: [unclosed\n", "publiccode.yaml-syntax"),
        ("a:\n  b: 1\n   c: 2\n", "publiccode.yaml-syntax"),
        ("", "publiccode.empty"),
        ("- just\n- a list\n", "publiccode.not-a-mapping"),
    ],
)
def test_unreadable_documents(text, code):
    assert errors(text) == {"": code}


def test_version_missing_stops_the_checks():
    assert errors(document(publiccodeYmlVersion=None, name=None)) == {
        "publiccodeYmlVersion": "publiccode.required"
    }


def test_version_wrong_type_and_unsupported():
    assert errors(document(publiccodeYmlVersion=" []")) == {"publiccodeYmlVersion": "publiccode.wrong-type"}
    assert errors(document(publiccodeYmlVersion=' "0.1"')) == {
        "publiccodeYmlVersion": "publiccode.unsupported-version"
    }


@pytest.mark.parametrize("version", ["0.2", '"0.3.0"', "0.4", "0.5.0", '"0.7"'])
def test_older_supported_versions_warn(version):
    findings = run(document(publiccodeYmlVersion=f" {version}"))
    assert [(f.key, f.code) for f in findings] == [("publiccodeYmlVersion", "publiccode.outdated-version")]
    assert 'use "0"' in findings[0].message


def test_yaml_12_keeps_yes_a_string_and_dates_text():
    assert run(document(name=" yes", releaseDate=" 2017-04-15")) == []
    found = errors(document(localisation="\n  localisationReady: yes\n  availableLanguages: [nl]"))
    assert found["localisation.localisationReady"] == "publiccode.wrong-type"


def test_quoted_boolean_is_wrong_type():
    found = errors(document(localisation='\n  localisationReady: "true"\n  availableLanguages: [nl]'))
    assert found["localisation.localisationReady"] == "publiccode.wrong-type"


def test_numbers_fill_string_fields():
    assert run(document(softwareVersion=" 1.10", name=" 2024")) == []


@pytest.mark.parametrize(
    "key, value",
    [
        ("name", " []"),
        ("url", " {a: b}"),
        ("platforms", " web"),
        ("legal", " []"),
        ("description", "\n  nl:\n    awards: {}"),
        ("dependsOn", "\n  open:\n    - name: []"),
    ],
)
def test_wrong_types(key, value):
    assert any(
        k.startswith(key) and c == "publiccode.wrong-type"
        for k, c in errors(document(**{key: value})).items()
    )


def test_section_with_a_type_error_counts_as_missing():
    found = errors(document(maintenance="\n  type: contract\n  contractors: {}"))
    assert found == {
        "maintenance.contractors": "publiccode.wrong-type",
        "maintenance.type": "publiccode.required",
    }
    message = next(
        f.message
        for f in run(document(maintenance="\n  type: contract\n  contractors: {}"))
        if f.key == "maintenance.type"
    )
    assert "could not be read" in message


def test_unknown_keys_are_errors_at_any_depth():
    assert errors(document(foobar=" 1"))["foobar"] == "publiccode.unknown-key"
    assert errors(document(It=" {}"))["It"] == "publiccode.unknown-key"
    assert "legal.licence" in errors(document(legal="\n  license: MIT\n  licence: MIT"))


def test_duplicate_keys_are_errors():
    text = document() + "name: Tweede naam\n"
    assert errors(text)["name"] == "publiccode.duplicate-key"


def test_merge_keys_are_followed():
    text = document(legal=None) + "x-base: &base\n  license: EUPL-1.2\n"
    assert "x-base" in errors(text)  # an unknown key, but the anchor still works:
    assert "legal.license" not in errors(text.replace("legal:", "legal_:") + "legal:\n  <<: *base\n")


def test_alias_expansion_stays_cheap():
    # Aliases may make a small file huge; the decoder only walks what the schema allows.
    anchors = ["x-a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    anchors += [f"x-a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 7)]
    text = "\n".join(anchors) + "\n" + document(usedBy=" *a6")
    found = errors(text)
    assert found["usedBy[0]"] == "publiccode.wrong-type" and found["x-a6"] == "publiccode.unknown-key"


def test_nl_section_is_a_warning_with_the_layer_read():
    text = document(nl="\n  commonground:\n    layerType: Service\n    installationType: helm\n  gemma: {}")
    findings = run(text)
    assert warnings(text) == {"nl": "publiccode.nl-section"}
    info = [f for f in findings if f.key == "nl.commonground.layerType"]
    assert info and "service" in info[0].message and "helm" in info[0].message


def test_nl_section_with_unknown_layer_or_odd_shape_never_crashes():
    assert warnings(document(nl="\n  commonground:\n    layerType: cloud"))["nl.commonground.layerType"]
    assert warnings(document(nl=" [1, 2]")) == {"nl": "publiccode.nl-section"}
    assert warnings(document(nl=" ~")) == {"nl": "publiccode.nl-section"}


def test_nl_section_is_reported_even_for_unsupported_versions():
    text = document(publiccodeYmlVersion=" '0.1'", nl="\n  commonground:\n    layerType: data")
    assert errors(text) == {"publiccodeYmlVersion": "publiccode.unsupported-version"}
    assert warnings(text) == {"nl": "publiccode.nl-section"}


def test_yaml_11_boolean_words_get_a_hint():
    text = document(localisation="\n  localisationReady: no\n  availableLanguages: [nl]")
    message = next(f.message for f in run(text) if f.code == "publiccode.wrong-type")
    assert "write true or false" in message


def test_sdk_reads_the_dutch_section():
    from sdk.publiccode import commonground_installation, commonground_layer, load_publiccode

    data, findings = load_publiccode(
        document(nl="\n  commonground:\n    layerType: Data\n    installationType: helm").encode()
    )
    assert findings == [] and commonground_layer(data) == "data"
    assert commonground_installation(data) == "helm"
    assert commonground_installation({"nl": {"commonground": {"installationType": None}}}) is None
