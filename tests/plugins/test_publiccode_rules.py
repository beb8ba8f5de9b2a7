"""The rules of the reference checker, one small document per rule."""

from __future__ import annotations

import pytest

from tests.plugins.publiccode_support import LONG, document, errors, run, warnings


def desc(body: str, tag: str = "nl") -> str:
    return f"\n  {tag}:\n" + "\n".join("    " + line for line in body.strip("\n").splitlines())


BASE_DESC = f"shortDescription: Kort\nlongDescription: {LONG}\nfeatures: [Zaken]"


@pytest.mark.parametrize("key", ["name", "url", "developmentStatus", "softwareType"])
def test_required_top_level_keys(key):
    assert errors(document(**{key: None})) == {key: "publiccode.required"}


@pytest.mark.parametrize(
    "sections, key, code",
    [
        ({"platforms": None}, "platforms", "publiccode.empty"),
        ({"platforms": " []"}, "platforms", "publiccode.empty"),
        ({"description": None}, "description", "publiccode.empty"),
        ({"legal": None}, "legal.license", "publiccode.required"),
        ({"maintenance": None}, "maintenance.type", "publiccode.required"),
        ({"localisation": " {}"}, "localisation.localisationReady", "publiccode.required"),
        (
            {"localisation": "\n  localisationReady: false\n  availableLanguages: []"},
            "localisation.availableLanguages",
            "publiccode.empty",
        ),
    ],
)
def test_required_sections(sections, key, code):
    assert errors(document(**sections))[key] == code


@pytest.mark.parametrize(
    "sections, key, code",
    [
        ({"developmentStatus": " finished"}, "developmentStatus", "publiccode.invalid-value"),
        ({"softwareType": " website"}, "softwareType", "publiccode.invalid-value"),
        ({"maintenance": "\n  type: sometimes"}, "maintenance.type", "publiccode.invalid-value"),
        ({"categories": "\n  - no_such_category"}, "categories[0]", "publiccode.invalid-category"),
        (
            {"intendedAudience": "\n  scope: [foobar]"},
            "intendedAudience.scope[0]",
            "publiccode.invalid-scope",
        ),
        (
            {"intendedAudience": "\n  countries: [NL, Nl]"},
            "intendedAudience.countries[1]",
            "publiccode.invalid-country",
        ),
        (
            {"intendedAudience": "\n  unsupportedCountries: [XX]"},
            "intendedAudience.unsupportedCountries[0]",
            "publiccode.invalid-country",
        ),
        ({"url": " foobar"}, "url", "publiccode.invalid-url"),
        ({"landingURL": " ftp://example.org"}, "landingURL", "publiccode.invalid-url"),
        ({"roadmap": " '???'"}, "roadmap", "publiccode.invalid-url"),
        ({"isBasedOn": " not a url"}, "isBasedOn[0]", "publiccode.invalid-url"),
        (
            {"isBasedOn": "\n  - https://example.org/a.git\n  - string"},
            "isBasedOn[1]",
            "publiccode.invalid-url",
        ),
        ({"releaseDate": " '2011-01-01 20:04:05'"}, "releaseDate", "publiccode.invalid-date"),
        ({"releaseDate": " '2021-02-30'"}, "releaseDate", "publiccode.invalid-date"),
        ({"releaseDate": " ''"}, "releaseDate", "publiccode.invalid-date"),
        ({"inputTypes": "\n  - text/plain\n  - foobar"}, "inputTypes[1]", "publiccode.invalid-mime-type"),
        ({"legal": "\n  license: Invalid License"}, "legal.license", "publiccode.invalid-license"),
        ({"legal": "\n  license: MIT AND"}, "legal.license", "publiccode.invalid-license"),
        (
            {"localisation": "\n  localisationReady: true\n  availableLanguages: [hr_HR]"},
            "localisation.availableLanguages[0]",
            "publiccode.invalid-language",
        ),
        (
            {"localisation": "\n  localisationReady: true\n  availableLanguages: [no such language]"},
            "localisation.availableLanguages[0]",
            "publiccode.invalid-language",
        ),
    ],
)
def test_value_rules(sections, key, code):
    assert errors(document(**sections))[key] == code


@pytest.mark.parametrize(
    "sections",
    [
        {"categories": " []"},
        {"categories": " ~"},
        {"categories": " [other, whistleblowing]"},
        {"intendedAudience": "\n  scope: [government, local-authorities]\n  countries: [NL, BE]"},
        {"legal": "\n  license: MIT OR Apache-2.0"},
        {"legal": "\n  license: GPL-2.0-only WITH Classpath-exception-2.0"},
        {"legal": "\n  license: LicenseRef-Gemeente AND EUPL-1.2"},
        {"isBasedOn": "\n  - https://example.org/a.git\n  - https://example.org/b.git"},
        {"releaseDate": " 2024-02-29", "softwareVersion": " 1.0.0"},
        {"localisation": "\n  localisationReady: false\n  availableLanguages: [nl, en-GB, ita, sl-IT-nedis]"},
        {"inputTypes": None, "usedBy": " [Gemeente Utrecht]", "applicationSuite": " Zaken"},
    ],
)
def test_valid_values(sections):
    assert errors(document(**sections)) == {}


def test_lowercase_countries_warn():
    assert warnings(document(intendedAudience="\n  countries: [nl]")) == {
        "intendedAudience.countries[0]": "publiccode.deprecated"
    }


def test_description_rules():
    assert errors(document(description=desc(BASE_DESC, "en_GB"))) == {
        "description": "publiccode.invalid-language"
    }
    assert errors(document(description=desc(BASE_DESC, "eng"))) == {
        "description": "publiccode.invalid-language"
    }
    assert errors(document(description=desc(f"longDescription: {LONG}\nfeatures: [a]"))) == {
        "description.nl.shortDescription": "publiccode.required"
    }
    assert errors(
        document(description=desc("shortDescription: Kort\nlongDescription: te kort\nfeatures: [a]"))
    ) == {"description.nl.longDescription": "publiccode.too-short"}
    assert errors(
        document(description=desc(f"shortDescription: {'x' * 151}\nlongDescription: {LONG}\nfeatures: [a]"))
    ) == {"description.nl.shortDescription": "publiccode.too-long"}
    assert errors(document(description=desc(f"shortDescription: Kort\nlongDescription: {LONG}"))) == {
        "description.nl.features": "publiccode.empty"
    }
    assert errors(
        document(description=desc(f"shortDescription: Kort\nlongDescription: {LONG}\nfeatures: []"))
    ) == {"description.nl.features": "publiccode.empty"}


def test_lengths_count_grapheme_clusters():
    # 150 "e" + combining acute: 300 code points, 150 characters as displayed.
    text = "e\u0301" * 149 + "e"
    assert (
        errors(document(description=desc(f"shortDescription: Kort\nlongDescription: {text}\nfeatures: [a]")))
        == {}
    )
    short = "e\u0301" * 140
    found = errors(
        document(description=desc(f"shortDescription: Kort\nlongDescription: {short}\nfeatures: [a]"))
    )
    assert found == {"description.nl.longDescription": "publiccode.too-short"}
    generic = "👩‍👩‍👧‍👦" * 35
    assert errors(document(description=desc(f"genericName: {generic}\n{BASE_DESC}"))) == {}


def test_language_tags_are_path_parts_and_generic_name_is_deprecated():
    text = document(description=desc(f"genericName: {'x' * 36}\n{BASE_DESC}\ndocumentation: nope", "en-GB"))
    assert errors(text) == {
        "description.en-GB.genericName": "publiccode.too-long",
        "description.en-GB.documentation": "publiccode.invalid-url",
    }
    assert warnings(text) == {"description.en-GB.genericName": "publiccode.deprecated"}


def test_videos_need_an_oembed_host():
    ok = desc(f"{BASE_DESC}\nvideos: [https://www.youtube.com/watch?v=RaHmGbBOP84, https://vimeo.com/1]")
    assert errors(document(description=ok)) == {}
    found = errors(document(description=desc(f"{BASE_DESC}\nvideos: [https://google.com]")))
    assert found == {"description.nl.videos[0]": "publiccode.invalid-video"}
    assert errors(document(description=desc(f"{BASE_DESC}\nvideos: [ABC]")))["description.nl.videos[0]"] == (
        "publiccode.invalid-url"
    )


@pytest.mark.parametrize(
    "maintenance, key, code",
    [
        ("\n  type: internal", "maintenance.contacts", "publiccode.required"),
        ("\n  type: community", "maintenance.contacts", "publiccode.required"),
        ("\n  type: contract", "maintenance.contractors", "publiccode.required"),
        (
            "\n  type: community\n  contacts: [{name: A}]\n  contractors: [{name: B, until: 2030-01-01}]",
            "maintenance.contractors",
            "publiccode.contractors-not-allowed",
        ),
        (
            "\n  type: contract\n  contractors: [{name: B}]",
            "maintenance.contractors[0].until",
            "publiccode.required",
        ),
        (
            "\n  type: contract\n  contractors: [{until: 2030-01-01}]",
            "maintenance.contractors[0].name",
            "publiccode.required",
        ),
        (
            "\n  type: contract\n  contractors: [{name: B, until: 2030-13-01}]",
            "maintenance.contractors[0].until",
            "publiccode.invalid-date",
        ),
        (
            "\n  type: contract\n  contractors: [{name: B, until: 2030-01-01, email: not_an_email}]",
            "maintenance.contractors[0].email",
            "publiccode.invalid-email",
        ),
        (
            "\n  type: contract\n  contractors: [{name: B, until: 2030-01-01, website: example.org}]",
            "maintenance.contractors[0].website",
            "publiccode.invalid-url",
        ),
        (
            "\n  type: internal\n  contacts: [{email: a@example.org}]",
            "maintenance.contacts[0].name",
            "publiccode.required",
        ),
        (
            "\n  type: internal\n  contacts: [{name: A, email: nope}]",
            "maintenance.contacts[0].email",
            "publiccode.invalid-email",
        ),
    ],
)
def test_maintenance_rules(maintenance, key, code):
    assert errors(document(maintenance=maintenance))[key] == code


@pytest.mark.parametrize(
    "maintenance",
    [
        "\n  type: none",
        "\n  type: none\n  contacts: [{name: A}]",
        "\n  type: contract\n  contractors: [{name: B, until: 2030-01-01}]"
        "\n  contacts: [{name: A, phone: +31 30 1234}]",
    ],
)
def test_valid_maintenance(maintenance):
    assert errors(document(maintenance=maintenance)) == {}


def test_organisation_and_funders_need_a_uri():
    assert errors(document(organisation="\n  uri: https://www.utrecht.nl")) == {}
    assert errors(document(organisation="\n  name: Utrecht")) == {"organisation.uri": "publiccode.required"}
    assert errors(document(organisation='\n  uri: "1"')) == {"organisation.uri": "publiccode.invalid-uri"}
    assert errors(document(organisation="\n  uri: urn:x-italian-pa:no_such_pa")) == {
        "organisation.uri": "publiccode.invalid-ipa-code"
    }
    assert (
        errors(
            document(fundedBy="\n  - uri: urn:x-italian-pa:pcm\n  - name: EU\n    uri: urn:foobar:example")
        )
        == {}
    )
    assert errors(document(fundedBy="\n  - uri: pcm")) == {"fundedBy[0].uri": "publiccode.invalid-uri"}
    assert errors(document(fundedBy="\n  - name: EU")) == {"fundedBy[0].uri": "publiccode.required"}


def test_supports_aliases_and_uris():
    assert errors(document(supports="\n  - id: alias:gdpr\n  - id: urn:iso:std:iso:27001")) == {}
    assert errors(document(supports="\n  - id: alias:nonexistent")) == {
        "supports[0].id": "publiccode.unknown-alias"
    }
    assert errors(document(supports="\n  - id: gdpr")) == {"supports[0].id": "publiccode.invalid-uri"}


def test_depends_on():
    ok = (
        "\n  open:\n    - name: PostgreSQL\n      versionMin: '13'\n      optional: true"
        "\n  hardware:\n    - name: NFC"
    )
    assert errors(document(dependsOn=ok)) == {}
    assert errors(document(dependsOn="\n  proprietary:\n    - version: '1'")) == {
        "dependsOn.proprietary[0].name": "publiccode.required"
    }
    assert errors(document(dependsOn="\n  open:\n    - name: X\n      optional: 'yes'")) == {
        "dependsOn.open[0].optional": "publiccode.wrong-type"
    }


def test_deprecated_keys_warn():
    text = document(
        legal="\n  license: EUPL-1.2\n  repoOwner: Gemeente\n  authorsFile: AUTHORS",
        inputTypes=" [text/plain]",
        outputTypes=" [text/csv]",
        monochromeLogo=" logo.svg",
    )
    files = {"AUTHORS": b"Team\n", "logo.svg": b"<svg/>"}
    assert errors(text, files) == {}
    assert set(warnings(text, files)) == {
        "legal.repoOwner",
        "legal.authorsFile",
        "inputTypes",
        "outputTypes",
        "monochromeLogo",
    }


def test_italian_section():
    assert errors(document(IT="\n  countryExtensionVersion: '1.0'\n  piattaforme: {spid: true}")) == {}
    assert errors(document(IT="\n  countryExtensionVersion: '2.0'")) == {
        "IT.countryExtensionVersion": "publiccode.invalid-value"
    }
    assert errors(document(IT="\n  riuso: {codiceIPA: NO_SUCH_IPA_CODE}")) == {
        "IT.riuso.codiceIPA": "publiccode.invalid-ipa-code"
    }
    assert warnings(document(IT="\n  riuso: {codiceIPA: pcm}\n  conforme: {gdpr: true}")) == {
        "IT.riuso.codiceIPA": "publiccode.deprecated",
        "IT.conforme": "publiccode.deprecated",
    }
    assert warnings(document(it="\n  piattaforme: {spid: true}")) == {"it": "publiccode.deprecated"}
    assert errors(document(it=" {}", IT=" {}")) == {"it": "publiccode.duplicate-section"}


def test_every_finding_has_a_code_and_a_message():
    text = document(name=None, url=" x", foobar=" 1", maintenance="\n  type: contract")
    for finding in run(text):
        assert finding.code.startswith("publiccode.") and finding.message
