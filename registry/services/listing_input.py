"""A vendor's listing as it comes in: a strict model, every problem at once.

Problems come back as ``invalidParams`` (Dutch API Design Rules), each with the
dot path of the field, a stable code and what to do.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, StringConstraints

from registry.models import HOSTING_OPTIONS, PRICING_MODELS, SUPPORT_HOURS
from registry.validation import InputModel, parsed, problem

MAX_NAME = 200
MAX_NOTE = 1000
MAX_URL = 500
MAX_EMAIL = 254
MAX_PHONE = 40

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # tab and newline are fine in notes
_LINE_BREAK = re.compile(r"[\t\n\r]")
_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{0,61}[A-Za-z0-9]"
)
_PHONE = re.compile(r"\+?[0-9][0-9 ()-]{5,28}[0-9]")
_HOST = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]")

EXAMPLE: dict[str, Any] = {
    "pricing": {"model": "per-inhabitant", "note": "EUR 0.12 per inhabitant a year"},
    "hosting": ["shared-platform", "saas"],
    "support": {"hours": "office-hours", "note": "Helpdesk on working days 8:00-17:00"},
    "contact": {"name": "Sales", "email": "sales@vendor.example", "phone": "+31 20 123 4567",
                "url": "https://vendor.example/contact"},
    "frameworkAgreement": {"name": "GGI-Veilig", "url": "https://vng.nl/framework-agreement"},
}


def _one_line(value: str) -> str:
    if _CONTROL.search(value) or _LINE_BREAK.search(value):
        raise problem("characters", "Remove control characters and line breaks.")
    return value


def _multiline(value: str) -> str:
    if _CONTROL.search(value):
        raise problem("characters", "Remove control characters.")
    return value


def _email(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise problem("format", "Give an e-mail address such as sales@vendor.example.")
    return value


def _phone(value: str) -> str:
    if value and not _PHONE.fullmatch(value):
        raise problem("format", "Give a phone number of digits, spaces, hyphens and brackets, e.g. +31 20 123 4567.")
    return value


def _link(value: str) -> str:
    reason = _url_problem(value) if value else None
    if reason:
        raise problem("url", reason)
    return value


def _hosting(value: list[str]) -> list[str]:
    unknown = [v for v in value if v not in HOSTING_OPTIONS]
    if unknown:
        raise problem("enum", f"Unknown option(s) {', '.join(unknown)[:100]}; "
                              f"choose from {', '.join(HOSTING_OPTIONS)}.")
    if len(set(value)) != len(value):
        raise problem("duplicate", "Name each option once.")
    return [o for o in HOSTING_OPTIONS if o in value]  # a stable order


def _text(limit: int, *checks: Any, required: bool = False) -> Any:
    """Text trimmed of outer spaces, at most ``limit`` long; the checks run only on text within it."""
    return Annotated[str, StringConstraints(strip_whitespace=True, max_length=limit, min_length=int(required)),
                     *(AfterValidator(check) for check in checks)]


if TYPE_CHECKING:  # made at run time, so a type checker sees the text they hold; pydantic sees the rules
    Name = str
    Note = str
    Email = str
    Phone = str
    Link = str
else:
    Name = _text(MAX_NAME, _one_line, required=True)
    Note = _text(MAX_NOTE, _multiline)
    Email = _text(MAX_EMAIL, _one_line, _email)
    Phone = _text(MAX_PHONE, _one_line, _phone)
    Link = Annotated[_text(MAX_URL, _one_line, _link, required=True),
                     Field(json_schema_extra={"format": "uri", "pattern": "^https://"})]


class PricingInput(InputModel):
    model: Literal[PRICING_MODELS]  # type: ignore[valid-type]
    note: Note = ""


class SupportInput(InputModel):
    hours: Literal[SUPPORT_HOURS]  # type: ignore[valid-type]
    note: Note = ""


class ContactInput(InputModel):
    name: Name
    email: Email
    phone: Phone | None = None
    url: Link | None = None


class FrameworkAgreementInput(InputModel):
    """The framework agreement (raamovereenkomst) under which municipalities can buy it."""

    name: Name
    url: Link


class ListingInput(InputModel):
    """What a commercial module costs and how to buy it."""

    model_config = {"json_schema_extra": {"example": EXAMPLE}}

    pricing: PricingInput
    hosting: Annotated[list[str], Field(min_length=1, description=(
        "`shared-platform`: installed on the municipality's (shared) Haven platform; "
        "`saas`: run by the vendor as a service.")), AfterValidator(_hosting)]
    support: SupportInput
    contact: ContactInput
    framework_agreement: FrameworkAgreementInput | None = None

    def columns(self) -> dict[str, Any]:
        """The values as the listing's columns."""
        framework = self.framework_agreement
        return {
            "pricing_model": self.pricing.model, "pricing_note": self.pricing.note,
            "hosting": list(self.hosting),
            "support_hours": self.support.hours, "support_note": self.support.note,
            "contact_name": self.contact.name, "contact_email": self.contact.email,
            "contact_phone": self.contact.phone or None, "contact_url": self.contact.url or None,
            "framework_name": framework.name if framework else None,
            "framework_url": framework.url if framework else None,
        }


def read_listing(body: Any) -> ListingInput:
    """A listing from a request body, or ``InvalidInput`` naming every problem."""
    return parsed(ListingInput, body)


def _url_problem(value: str) -> str | None:
    if any(c.isspace() for c in value):
        return "A link has no spaces; encode them as %20."
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
        parts.port  # noqa: B018  (raises for a port that is not a number)
    except ValueError:
        return "This is not a valid link; give one such as https://vendor.example/contact."
    if parts.scheme != "https":
        return "Links must use https://, so that municipalities reach the vendor safely."
    if parts.username is not None or parts.password is not None:
        return "Leave user names and passwords out of links."
    if not _HOST.fullmatch(host):
        return "Give a link to a public host name, such as https://vendor.example/contact."
    return None
