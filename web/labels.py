"""Words for the registry's codes (layers, kinds, roles...) in the chosen language."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

LAYERS = {
    "interaction": _l("Interaction"),
    "process": _l("Process"),
    "integration": _l("Integration"),
    "service": _l("Services"),
    "data": _l("Data"),
}
KINDS = {
    "municipality": _l("Municipality"),
    "cooperation": _l("Cooperation"),
    "vendor": _l("Vendor"),
    "registry": _l("Registry"),
}
LICENCES = {"open": _l("Open source"), "proprietary": _l("Closed (commercial)")}
SEVERITIES = {"error": _l("Error"), "warning": _l("Warning"), "info": _l("Information")}
ROLES = {"owner": _l("Owner"), "maintainer": _l("Maintainer"), "member": _l("Member")}
STATUSES = {"published": _l("Published"), "yanked": _l("Withdrawn")}
ERRORS = {
    400: _l("The request is not right"),
    401: _l("Sign in first"),
    403: _l("Not allowed"),
    404: _l("Page not found"),
    405: _l("Not allowed"),
    409: _l("Conflict"),
    413: _l("The file is too large"),
    422: _l("Verification failed"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
}


def labels() -> dict[str, dict]:
    """Every table of words, for templates: ``labels.layer[app.layer]``."""
    return {"layer": LAYERS, "kind": KINDS, "license": LICENCES, "severity": SEVERITIES,
            "role": ROLES, "status": STATUSES, "error": ERRORS}


def init_app(app: Flask) -> None:
    app.context_processor(lambda: {"labels": labels()})
