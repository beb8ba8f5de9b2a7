"""Compiling the web store's message catalogues (``.po`` to ``.mo``) at install time.

Run by the package build (``setup.py``) and by ``make web-assets``, never by a
running app: the app only reads the compiled files. Imports nothing but Babel,
so that the build can load it without Flask.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po


def compile_catalogues(root: Path) -> list[Path]:
    """Compile each ``.po`` under ``root`` whose ``.mo`` is missing or stale; the ones written."""
    compiled = []
    for po in sorted(root.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalogue = read_po(source, locale=po.parent.parent.name)
        partial = mo.with_suffix(".mo.partial")
        with partial.open("wb") as target:
            write_mo(target, catalogue)
        partial.replace(mo)  # never a half-written catalogue
        compiled.append(mo)
    return compiled


def missing_catalogues(root: Path) -> list[Path]:
    """The ``.mo`` files that an install should have compiled and did not."""
    return [po.with_suffix(".mo") for po in sorted(root.glob("*/LC_MESSAGES/*.po"))
            if not po.with_suffix(".mo").exists()]
