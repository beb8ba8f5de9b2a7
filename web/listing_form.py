"""The form in which a vendor edits a listing: the API's fields, read by the same service.

The form only carries the values; ``body()`` puts them in the API's shape, so that
the listing is validated once, by the registry, for the API and the browser alike.
Each problem the registry names comes back next to its field, in the page's
language, from its code.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, SelectMultipleField, StringField, TextAreaField, URLField
from wtforms.widgets import CheckboxInput, ListWidget

from registry.models import HOSTING_OPTIONS, PRICING_MODELS, SUPPORT_HOURS, Listing
from registry.services.listing_input import MAX_EMAIL, MAX_NAME, MAX_NOTE, MAX_PHONE, MAX_URL
from sdk.problems import InvalidParam
from web.choices import options
from web.labels import HOSTING, PRICING, SUPPORT

#: The API's dot path of each field (``pricing.model``) -> the form's field.
FIELDS = {
    "pricing.model": "pricing_model", "pricing.note": "pricing_note", "hosting": "hosting",
    "support.hours": "support_hours", "support.note": "support_note",
    "contact.name": "contact_name", "contact.email": "contact_email",
    "contact.phone": "contact_phone", "contact.url": "contact_url",
    "frameworkAgreement.name": "framework_name", "frameworkAgreement.url": "framework_url",
}
#: The longest text each field takes (the browser stops typing there; the registry checks it too).
LIMITS = {
    "pricing_note": MAX_NOTE, "support_note": MAX_NOTE, "contact_name": MAX_NAME, "contact_email": MAX_EMAIL,
    "contact_phone": MAX_PHONE, "contact_url": MAX_URL, "framework_name": MAX_NAME, "framework_url": MAX_URL,
}
#: What to do about a problem, by its code; a code not named here gets ``OTHER``.
PROBLEMS = {
    "required": _l("Fill this in."),
    "enum": _l("Choose one of the options."),
    "characters": _l("Remove control characters and line breaks."),
    "duplicate": _l("Choose each option once."),
    "url": _l("Give a link that starts with https:// to a public host name, without spaces, user name or "
              "password, such as https://vendor.example/contact."),
}
#: Problems whose words depend on the field as well.
FIELD_PROBLEMS = {
    ("hosting", "required"): _l("Choose at least one."),
    ("pricing_note", "characters"): _l("Remove control characters."),
    ("support_note", "characters"): _l("Remove control characters."),
    ("contact_email", "format"): _l("Give an e-mail address such as sales@vendor.example."),
    ("contact_phone", "format"): _l("Give a phone number of digits, spaces, hyphens and brackets, "
                                    "such as +31 20 123 4567."),
}
TOO_LONG = _l("This is too long: keep it to %(limit)d characters.")
OTHER = _l("This value is not right; check it and try again.")


class CheckboxesField(SelectMultipleField):
    """Several options as checkboxes; an unknown option is left for the registry to name."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: Any) -> None:
        pass


class ListingForm(FlaskForm):
    """Choices are not checked here (``validate_choice=False``): the registry names a wrong one."""

    pricing_model = SelectField(_l("Pricing model"), validate_choice=False, choices=options(
        ((m, PRICING[m]) for m in PRICING_MODELS), empty=_l("Choose a pricing model")))
    pricing_note = TextAreaField(_l("Prices"), description=_l("For example: EUR 0.12 per inhabitant a year."))
    hosting = CheckboxesField(_l("Where it can run"), choices=options((h, HOSTING[h]) for h in HOSTING_OPTIONS))
    support_hours = SelectField(_l("Support hours"), validate_choice=False, choices=options(
        ((s, SUPPORT[s]) for s in SUPPORT_HOURS), empty=_l("Choose the support hours")))
    support_note = TextAreaField(_l("About the support"), description=_l("For example: helpdesk on working days."))
    contact_name = StringField(_l("Contact name"), description=_l("A person or a team, such as Sales."))
    contact_email = EmailField(_l("E-mail address"))
    contact_phone = StringField(_l("Phone number (optional)"))
    contact_url = URLField(_l("Contact page (optional)"), description=_l("A link that starts with https://."))
    framework_name = StringField(_l("Framework agreement (optional)"),
                                 description=_l("The agreement under which municipalities can buy it. "
                                                "Give its name and its link, or neither."))
    framework_url = URLField(_l("Link to the framework agreement"), description=_l("A link that starts with https://."))

    @classmethod
    def of(cls, listing: Listing | None) -> ListingForm:
        """The form filled with the listing as it is (or empty before the first one)."""
        if listing is None:
            return cls()
        return cls(data={
            "pricing_model": listing.pricing_model, "pricing_note": listing.pricing_note,
            "hosting": list(listing.hosting), "support_hours": listing.support_hours,
            "support_note": listing.support_note, "contact_name": listing.contact_name,
            "contact_email": listing.contact_email, "contact_phone": listing.contact_phone or "",
            "contact_url": listing.contact_url or "", "framework_name": listing.framework_name or "",
            "framework_url": listing.framework_url or "",
        })

    def body(self) -> dict[str, Any]:
        """The values in the API's shape; empty optional fields are left out."""
        text = {name: (getattr(self, name).data or "").strip() for name in LIMITS}
        contact = {"name": text["contact_name"], "email": text["contact_email"]}
        contact.update({key: text[f"contact_{key}"] for key in ("phone", "url") if text[f"contact_{key}"]})
        body: dict[str, Any] = {
            "pricing": {"model": self.pricing_model.data or "", "note": text["pricing_note"]},
            "hosting": [str(option) for option in self.hosting.data or []],
            "support": {"hours": self.support_hours.data or "", "note": text["support_note"]},
            "contact": contact,
        }
        if text["framework_name"] or text["framework_url"]:
            body["frameworkAgreement"] = {"name": text["framework_name"], "url": text["framework_url"]}
        return body

    def show_problems(self, problems: list[InvalidParam]) -> list[str]:
        """Put each problem next to its field, in words from its code; the words of
        problems that belong to no field are returned, for the top of the form."""
        elsewhere = []
        for problem in problems:
            name, code = problem.name, problem.code
            field_name = FIELDS.get(name.split("[", 1)[0])
            if field_name is None:
                elsewhere.append(str(OTHER))
                continue
            field = getattr(self, field_name)
            field.errors = [*field.errors, str(_words(field_name, code))]
        return elsewhere

    def invalid_fields(self) -> list[Any]:
        return [field for field in self if field.errors and field.name != "csrf_token"]


def _words(field_name: str, code: str) -> Any:
    if code == "too-long" and field_name in LIMITS:
        return TOO_LONG % {"limit": LIMITS[field_name]}
    return FIELD_PROBLEMS.get((field_name, code)) or PROBLEMS.get(code, OTHER)
