"""Languages of the web store: Dutch by default, English on request (Flask-Babel).

Every text of the pages is in the message catalogues under ``translations/``.
The ``.po`` files are the source; ``make install`` compiles them, and the app
compiles any that are missing or older than their ``.po`` at start, so a
fresh checkout works without a build step.
"""

from __future__ import annotations

import logging
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, session
from flask_babel import Babel

log = logging.getLogger(__name__)

LANGUAGES = {"nl": "Nederlands", "en": "English"}
DEFAULT_LANGUAGE = "nl"
TRANSLATIONS = Path(__file__).parent / "translations"


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Amsterdam")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    compile_catalogues(TRANSLATIONS)
    Babel(app, locale_selector=current_language)
    app.context_processor(lambda: {"lang": current_language(), "languages": LANGUAGES})


def current_language() -> str:
    """The language chosen with the switch; Dutch until someone chooses.

    The browser's Accept-Language is not used: the store speaks Dutch first,
    also to a Dutch civil servant whose browser happens to be set to English.
    """
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def compile_catalogues(root: Path) -> list[Path]:
    """Compile each ``.po`` under ``root`` whose ``.mo`` is missing or stale."""
    compiled = []
    for po in sorted(root.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        try:
            with po.open("rb") as source:
                catalogue = read_po(source, locale=po.parent.parent.name)
            with mo.open("wb") as target:
                write_mo(target, catalogue)
        except OSError as exc:  # a read-only install: `make install` compiled them
            log.warning("could not compile %s: %s", po, exc)
            continue
        compiled.append(mo)
    return compiled
