"""Words for the registry's codes (layers, kinds, roles...) in the chosen language."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from sdk.messages import describe
from web.categories import CATEGORIES

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
STAGES = {"test": _l("Test"), "acceptance": _l("Acceptance"), "production": _l("Production")}
NAMESPACE_MODES = {"per-app": _l("Each app its own namespace"), "shared": _l("One namespace for every app")}
#: How an app's latest release fits an environment's platform profile.
FITS = {
    "runs": _l("Runs"),
    "misses-policy": _l("Runs, but does not meet the policy"),
    "does-not-run": _l("Does not run"),
    "not-verified": _l("Not verified on this platform"),
}
PLAN_STATUSES = {
    "ready": _l("Ready to install"),
    "blocked": _l("Blocked"),
    "needs-choice": _l("Choose a provider"),
    "impossible": _l("Not possible"),
}
ACTIONS = {
    "install": _l("Install"),
    "upgrade": _l("Upgrade"),
    "downgrade": _l("Downgrade"),
    "keep": _l("Already installed"),
}
PROBLEMS = {
    "plan.conflict": _l("Requirements that conflict"),
    "plan.too-complex": _l("Too many combinations"),
    "plan.choice-needed": _l("A provider must be chosen"),
    "plan.needs-entitlement": _l("Entitlement needed"),
    "plan.missing-config": _l("Config value missing"),
    "plan.promotion": _l("Not promoted yet"),
    "plan.keeps-yanked": _l("Keeps a withdrawn release"),
    "plan.collision": _l("Two apps claim the same"),
    "plan.secret-in-clear": _l("Secret stored in clear"),
    "plan.secret-unresolved": _l("Secret needs a reference"),
}
PRICING = {
    "per-inhabitant": _l("Per inhabitant"),
    "per-user": _l("Per user"),
    "fixed": _l("Fixed price"),
    "on-request": _l("On request"),
}
HOSTING = {"shared-platform": _l("On your own (shared) platform"), "saas": _l("Run by the vendor (SaaS)")}
SUPPORT = {"office-hours": _l("Office hours"), "extended": _l("Extended hours"), "24x7": _l("Day and night (24x7)")}
#: publiccode.yml ``maintenance.type``: who keeps the software up.
MAINTENANCE = {
    "internal": _l("Maintained by the publisher itself"),
    "contract": _l("Maintained under contract"),
    "community": _l("Maintained by a community"),
    "none": _l("Not maintained"),
}
#: publiccode.yml ``developmentStatus``.
DEVELOPMENT = {
    "concept": _l("Concept"),
    "development": _l("In development"),
    "beta": _l("Beta"),
    "stable": _l("Stable"),
    "obsolete": _l("Obsolete"),
}
#: What of a commercial release was sent, in the vendor's download log.
CONTENT = {
    "package": _l("Package"),
    "bundle": _l("Install bundle"),
    "screenshot": _l("Screenshot"),
    "logo": _l("Logo"),
    "readme-image": _l("Image in the README"),
}
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
    507: _l("The store is full"),
}
#: How the results page can order apps (registry.services.catalogue.SORTS).
SORTS = {
    "relevance": _l("Relevance"),
    "name": _l("Name"),
    "released": _l("Recently released"),
    "adoption": _l("Most used"),
}
#: Details of errors that a page explains in the reader's language (by problem slug).
ERROR_DETAILS = {
    "storage-full": _l("The store's storage is full, so nothing was saved. Try again later; "
                       "if it persists, tell the curators."),
    "malformed-input": _l("The address or the form holds characters that are not text, such as a "
                          "NUL character. Remove them and try again."),
}


def labels() -> dict[str, dict]:
    """Every table of words, for templates: ``labels.layer[app.layer]``."""
    return {"layer": LAYERS, "kind": KINDS, "license": LICENCES, "severity": SEVERITIES,
            "role": ROLES, "status": STATUSES, "error": ERRORS, "error_detail": ERROR_DETAILS,
            "stage": STAGES, "plan": PLAN_STATUSES, "fit": FITS,
            "action": ACTIONS, "problem": PROBLEMS, "pricing": PRICING, "hosting": HOSTING, "support": SUPPORT,
            "content": CONTENT, "category": CATEGORIES, "sort": SORTS, "maintenance": MAINTENANCE,
            "development": DEVELOPMENT}


def finding_text(finding: Any) -> Markup:
    """A finding's words in the page's language, from its code and data.

    A finding the catalogues do not know (an installed plugin's) keeps the
    English its check wrote, marked with ``lang="en"`` for screen readers.
    """
    language = str(get_locale() or "nl")
    text, spoken = describe(finding.code, finding.data or {}, finding.message, language)
    if spoken == language:
        return escape(text)
    return Markup('<span lang="{}">{}</span>').format(spoken, text)


def init_app(app: Flask) -> None:
    app.context_processor(lambda: {"labels": labels(), "finding_text": finding_text})
