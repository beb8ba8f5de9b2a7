"""The form in which a publisher writes a security advisory in the browser. It makes the
same OSV record that the API takes, so the registry's checks decide, and each problem is
shown at its field in the reader's language."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField

from registry.osv import ECOSYSTEM, LEVELS, MAX_DETAILS, MAX_URL
from sdk.problems import InvalidParam
from web.choices import options
from web.listing_form import OTHER, PROBLEMS

LIMITS = {"summary": 200, "details": MAX_DETAILS, "cvss": 300, "aliases": 400, "introduced": 100, "fixed": 100,
          "reference": MAX_URL}
#: Where the registry's problem (by the first part of its name) belongs in the form.
FIELDS = {"summary": "summary", "details": "details", "severity": "cvss", "aliases": "aliases",
          "references": "reference", "affected": "fixed", "database_specific": "level"}
FORMAT = {
    "cvss": _l("Give a CVSS v3 or v4 vector, such as CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H, or leave it empty."),
    "aliases": _l("Give ids such as CVE-2026-12345, separated by commas."),
    "reference": _l("Give a link that starts with https:// or http://."),
    "fixed": _l("Give versions in SemVer, such as 1.4.0; the first affected version may be 0 (every earlier one)."),
}


class AdvisoryForm(FlaskForm):
    summary = StringField(_l("Summary"), description=_l("One line: what is wrong, for whom."))
    details = TextAreaField(_l("Details (optional)"), description=_l("Markdown: what happens, who is at risk, "
                                                                       "what to do until the fix is installed."))
    level = SelectField(_l("Severity"), choices=options(((level, _l(level)) for level in LEVELS),
                                                        empty=_l("From the CVSS vector")))
    cvss = StringField(_l("CVSS vector (optional)"), description=_l("Version 3.x or 4.0."))
    aliases = StringField(_l("Also known as (optional)"), description=_l("e.g. CVE-2026-12345, comma-separated."))
    introduced = StringField(_l("First affected version"), default="0",
                             description=_l("0 means every version before the fixed one."))
    fixed = StringField(_l("Fixed in version (optional)"),
                        description=_l("Leave empty while no version fixes it."))
    reference = StringField(_l("More information (optional)"), description=_l("A link to the full advisory."))

    def body(self, app_id: str) -> dict[str, Any]:
        """The OSV record as the API takes it."""
        introduced, fixed, vector, reference = (
            (f.data or "").strip() for f in (self.introduced, self.fixed, self.cvss, self.reference))
        events = [{"introduced": introduced or "0"}]
        if fixed:
            events.append({"fixed": fixed})
        body: dict[str, Any] = {
            "summary": (self.summary.data or "").strip(), "details": self.details.data or "",
            "aliases": [a.strip() for a in (self.aliases.data or "").split(",") if a.strip()],
            "severity": [{"type": "CVSS_V4" if vector.startswith("CVSS:4") else "CVSS_V3", "score": vector}]
            if vector else [],
            "affected": [{"package": {"ecosystem": ECOSYSTEM, "name": app_id},
                          "ranges": [{"type": "SEMVER", "events": events}]}],
            "references": [{"type": "ADVISORY", "url": reference}] if reference else [],
        }
        if self.level.data:
            body["database_specific"] = {"severity": self.level.data.upper()}
        return body

    def show_problems(self, problems: list[InvalidParam]) -> list[str]:
        """Each problem at its field; the words of those that belong to none, for the top."""
        elsewhere = []
        for problem in problems:
            field_name = FIELDS.get(problem.name.split("[", 1)[0].split(".", 1)[0])
            if field_name is None:
                elsewhere.append(str(OTHER))
                continue
            field = getattr(self, field_name)
            words = FORMAT.get(field_name) if problem.code != "required" else None
            field.errors = [*field.errors, str(words or PROBLEMS.get(problem.code, OTHER))]
        return elsewhere

    def invalid_fields(self) -> list[Any]:
        return [field for field in self if field.errors and field.name != "csrf_token"]
