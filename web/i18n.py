"""Languages of the web store: Dutch by default, English on request (Flask-Babel).

Every text of the pages is in the message catalogues under ``translations/``.
The ``.po`` files are the source; installing compiles them (the package build,
or ``make web-assets`` in a checkout: ``web.catalogues``). The app only reads the
compiled files, and says so when an install left them out.
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, session
from flask_babel import Babel

from web.catalogues import missing_catalogues

log = logging.getLogger(__name__)

LANGUAGES = {"nl": "Nederlands", "en": "English"}
DEFAULT_LANGUAGE = "nl"
TRANSLATIONS = Path(__file__).parent / "translations"


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Amsterdam")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    for mo in missing_catalogues(TRANSLATIONS):
        log.warning("the message catalogue %s is missing, so its language shows untranslated; "
                    "run `make web-assets` in a checkout, or reinstall the package", mo)
    Babel(app, locale_selector=current_language)
    app.context_processor(lambda: {"lang": current_language(), "languages": LANGUAGES})


def current_language() -> str:
    """The language chosen with the switch; Dutch until someone chooses.

    The browser's Accept-Language is not used: the store speaks Dutch first,
    also to a Dutch civil servant whose browser happens to be set to English.
    """
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE
