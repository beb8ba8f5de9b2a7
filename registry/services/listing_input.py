"""Reading a vendor's listing from JSON: strict, and every problem at once.

Problems come back as ``invalidParams`` (Dutch API Design Rules), each with the
dot path of the field, a stable code and what to do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from registry.errors import RegistryError
from registry.models import HOSTING_OPTIONS, PRICING_MODELS, SUPPORT_HOURS

MAX_NAME = 200
MAX_NOTE = 1000
MAX_URL = 500
MAX_EMAIL = 254

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # tab and newline are fine in notes
_LINE_BREAK = re.compile(r"[\t\n\r]")
_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{0,61}[A-Za-z0-9]"
)
_PHONE = re.compile(r"\+?[0-9][0-9 ()-]{5,28}[0-9]")
_HOST = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]")

EXAMPLE = {
    "pricing": {"model": "per-inhabitant", "note": "EUR 0.12 per inhabitant a year"},
    "hosting": ["shared-platform", "saas"],
    "support": {"hours": "office-hours", "note": "Helpdesk on working days 8:00-17:00"},
    "contact": {"name": "Sales", "email": "sales@vendor.example", "phone": "+31 20 123 4567",
                "url": "https://vendor.example/contact"},
    "frameworkAgreement": {"name": "GGI-Veilig", "url": "https://vng.nl/framework-agreement"},
}


@dataclass(frozen=True)
class ListingInput:
    pricing_model: str
    pricing_note: str
    hosting: tuple[str, ...]
    support_hours: str
    support_note: str
    contact_name: str
    contact_email: str
    contact_phone: str | None
    contact_url: str | None
    framework_name: str | None
    framework_url: str | None


class InvalidListing(RegistryError):
    """The listing has problems; ``invalidParams`` names each."""


@dataclass
class _Problems:
    items: list[dict[str, str]] = field(default_factory=list)

    def add(self, name: str, code: str, reason: str) -> None:
        self.items.append({"name": name, "code": code, "reason": reason})


def read_listing(body: Any) -> ListingInput:
    """A listing from a request body, or ``InvalidListing`` naming every problem."""
    problems = _Problems()
    if not isinstance(body, dict):
        raise InvalidListing("Send the listing as a JSON object; see `example`.", example=EXAMPLE)
    _unknown(body, ("pricing", "hosting", "support", "contact", "frameworkAgreement"), "", problems)
    pricing = _object(body, "pricing", "", problems, required=True)
    support = _object(body, "support", "", problems, required=True)
    contact = _object(body, "contact", "", problems, required=True)
    framework = _object(body, "frameworkAgreement", "", problems, required=False)
    # A missing or mistyped object is one problem, not one per field inside it.
    _unknown(pricing or {}, ("model", "note"), "pricing.", problems)
    _unknown(support or {}, ("hours", "note"), "support.", problems)
    _unknown(contact or {}, ("name", "email", "phone", "url"), "contact.", problems)
    _unknown(framework or {}, ("name", "url"), "frameworkAgreement.", problems)
    listing = ListingInput(
        pricing_model=_choice(pricing, "model", "pricing.", PRICING_MODELS, problems),
        pricing_note=_text(pricing, "note", "pricing.", MAX_NOTE, problems, multiline=True) or "",
        hosting=_hosting(body.get("hosting"), problems),
        support_hours=_choice(support, "hours", "support.", SUPPORT_HOURS, problems),
        support_note=_text(support, "note", "support.", MAX_NOTE, problems, multiline=True) or "",
        contact_name=_text(contact, "name", "contact.", MAX_NAME, problems, required=contact is not None) or "",
        contact_email=_email(contact, problems),
        contact_phone=_phone(contact, problems),
        contact_url=_url(contact, "url", "contact.", problems, required=False),
        framework_name=_text(framework, "name", "frameworkAgreement.", MAX_NAME, problems,
                             required=bool(framework)),
        framework_url=_url(framework, "url", "frameworkAgreement.", problems, required=bool(framework)),
    )
    if problems.items:
        raise InvalidListing(
            f"The listing has {len(problems.items)} problem(s); `invalidParams` names each. "
            "Fix them and send it again.",
            invalidParams=problems.items,
        )
    return listing


def _unknown(data: dict[str, Any], known: tuple[str, ...], path: str, problems: _Problems) -> None:
    for key in data:
        if key not in known:
            problems.add(f"{path}{key}", "unknown", f"Unknown field; the fields here are {', '.join(known)}.")


def _object(data: dict[str, Any], key: str, path: str, problems: _Problems, *,
            required: bool) -> dict[str, Any] | None:
    """The object at ``key``; None when it is missing or not an object (reported once here)."""
    value = data.get(key)
    if value is None:
        if required:
            problems.add(f"{path}{key}", "required", f"Give `{key}` as an object, e.g. {EXAMPLE[key]}.")
        return None
    if not isinstance(value, dict):
        problems.add(f"{path}{key}", "type", f"`{key}` is an object, e.g. {EXAMPLE[key]}.")
        return None
    return value


def _text(data: dict[str, Any] | None, key: str, path: str, limit: int, problems: _Problems, *,
          required: bool = False, multiline: bool = False) -> str | None:
    if data is None:
        return None
    name = f"{path}{key}"
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.add(name, "required", "This field is required and may not be blank.")
        return None
    if not isinstance(value, str):
        problems.add(name, "type", "This is text.")
        return None
    value = value.strip()
    if len(value) > limit:
        problems.add(name, "too-long", f"Keep this to {limit} characters; it has {len(value)}.")
        return None  # not judged further: no format check runs over outsized text
    if _CONTROL.search(value) or (not multiline and _LINE_BREAK.search(value)):
        problems.add(name, "characters", "Remove control characters" + ("" if multiline else " and line breaks") + ".")
    return value


def _choice(data: dict[str, Any] | None, key: str, path: str, options: tuple[str, ...],
            problems: _Problems) -> str:
    if data is None:
        return ""
    value = data.get(key)
    if value not in options:
        problems.add(f"{path}{key}", "enum", f"Choose one of {', '.join(options)}.")
        return ""
    return value


def _hosting(value: Any, problems: _Problems) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        problems.add("hosting", "required",
                     f"List where the module can run: one or both of {', '.join(HOSTING_OPTIONS)}.")
        return ()
    unknown = [v for v in value if v not in HOSTING_OPTIONS]
    if unknown:
        problems.add("hosting", "enum",
                     f"Unknown option(s) {', '.join(unknown)[:100]}; choose from {', '.join(HOSTING_OPTIONS)}.")
    if len(set(value)) != len(value):
        problems.add("hosting", "duplicate", "Name each option once.")
    return tuple(o for o in HOSTING_OPTIONS if o in value)  # a stable order


def _email(contact: dict[str, Any] | None, problems: _Problems) -> str:
    value = _text(contact, "email", "contact.", MAX_EMAIL, problems, required=contact is not None)
    if value is not None and not _EMAIL.fullmatch(value):
        problems.add("contact.email", "format", "Give an e-mail address such as sales@vendor.example.")
    return value or ""


def _phone(contact: dict[str, Any] | None, problems: _Problems) -> str | None:
    value = _text(contact, "phone", "contact.", 40, problems)
    if value is not None and not _PHONE.fullmatch(value):
        problems.add("contact.phone", "format", "Give a phone number of digits, spaces, hyphens and brackets, "
                                                "e.g. +31 20 123 4567.")
    return value


def _url(data: dict[str, Any] | None, key: str, path: str, problems: _Problems, *, required: bool) -> str | None:
    name = f"{path}{key}"
    value = _text(data, key, path, MAX_URL, problems, required=required)
    if value is None:
        return None
    reason = _url_problem(value)
    if reason:
        problems.add(name, "url", reason)
    return value


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
