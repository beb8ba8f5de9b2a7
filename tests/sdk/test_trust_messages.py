"""Refusals of the signed-metadata check in the reader's language (sdk/data/messages)."""

from __future__ import annotations

import pytest

from sdk.trust import NotTrusted, language


@pytest.mark.parametrize(("variables", "expected"), [
    ({"APPSTORE_LANGUAGE": "nl"}, "nl"),
    ({"LANG": "nl_NL.UTF-8"}, "nl"),
    ({"LANG": "fr_FR.UTF-8"}, "en"),
    ({}, "en"),
])
def test_the_language_comes_from_the_setting_or_the_locale(monkeypatch: pytest.MonkeyPatch,
                                                          variables: dict[str, str], expected: str) -> None:
    for name in ("APPSTORE_LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert language() == expected


def test_a_refusal_says_what_happened_and_what_to_do_in_dutch_and_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APPSTORE_LANGUAGE", "nl")
    dutch = NotTrusted("trust.package-changed", app="open-zaak", version="1.2.0")
    assert "open-zaak 1.2.0" in dutch.message and "ondertekend" in dutch.message
    assert "beheerders" in dutch.hint
    monkeypatch.setenv("APPSTORE_LANGUAGE", "en")
    english = NotTrusted("trust.metadata-rollback", error="timestamp 3 < 4")
    assert "older signed metadata" in english.message and "timestamp 3 < 4" in english.message
    assert english.code == "trust.metadata-rollback" and english.hint
