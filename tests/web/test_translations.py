"""Every text of the web store is translated into Dutch, and the catalogues compile."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from web.catalogues import compile_catalogues, missing_catalogues
from web.i18n import TRANSLATIONS


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_message_is_translated(language: str) -> None:
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalogue = read_po(source, locale=language)
    untranslated = [m.id for m in catalogue if m.id and not (m.string if isinstance(m.string, str)
                                                             else all(m.string))]
    assert not untranslated


def test_catalogues_compile(tmp_path: Path) -> None:
    folder = tmp_path / "nl" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_bytes((TRANSLATIONS / "nl" / "LC_MESSAGES" / "messages.po").read_bytes())
    assert compile_catalogues(tmp_path) == [folder / "messages.mo"]
    assert compile_catalogues(tmp_path) == []  # up to date: nothing to do


def test_the_installed_catalogues_are_compiled() -> None:
    """The app only reads catalogues: installing (the package build, `make web-assets`) compiles them."""
    assert missing_catalogues(TRANSLATIONS) == []
