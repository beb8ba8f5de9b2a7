"""Small publiccode.yml documents for the tests, written as YAML text.

``document(**sections)`` starts from a minimal valid file; each keyword replaces a
top-level key with the YAML written after ``key:`` (``None`` removes the key).
"""

from __future__ import annotations

from plugins.publiccode import validate
from sdk.findings import Finding, Severity
from sdk.package import PackageView

LONG = "Een component waarmee medewerkers van gemeenten zaken behandelen. " * 3

MINIMAL: dict[str, str] = {
    "publiccodeYmlVersion": ' "0"',
    "name": " Zaakafhandelcomponent",
    "url": " https://git.example.org/dimpact/zac",
    "platforms": "\n  - web",
    "developmentStatus": " stable",
    "softwareType": " standalone/web",
    "description": f"""
  nl:
    shortDescription: Zaken behandelen volgens de ZGW-standaarden
    longDescription: {LONG}
    features:
      - Zaken behandelen""",
    "legal": "\n  license: EUPL-1.2",
    "maintenance": "\n  type: community\n  contacts:\n    - name: Team Zaken",
    "localisation": "\n  localisationReady: true\n  availableLanguages:\n    - nl",
}


def document(**sections: str | None) -> str:
    parts = dict(MINIMAL)
    for key, text in sections.items():
        if text is None:
            parts.pop(key, None)
        else:
            parts[key] = text
    return "\n".join(f"{key}:{text}" for key, text in parts.items()) + "\n"


def run(text: str | bytes, files: dict[str, bytes] | None = None) -> list[Finding]:
    raw = text.encode() if isinstance(text, str) else text
    return validate(raw, PackageView(files or {}))


def errors(text: str | bytes, files: dict[str, bytes] | None = None) -> dict[str, str]:
    """Error key -> code of the first error at that key."""
    found: dict[str, str] = {}
    for f in run(text, files):
        if f.severity is Severity.ERROR:
            found.setdefault(f.key, f.code)
    return found


def warnings(text: str | bytes, files: dict[str, bytes] | None = None) -> dict[str, str]:
    return {f.key: f.code for f in run(text, files) if f.severity is Severity.WARNING}
