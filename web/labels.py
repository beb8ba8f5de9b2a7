"""Words for the registry's codes (layers, kinds, roles...) in the chosen language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from sdk.messages import DEFAULT_LANGUAGE, QUOTED_FIELDS, describe
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
PHASES = {
    "idea": _l("Idea"),
    "looking-for-partners": _l("Looking for partners"),
    "in-development": _l("In development"),
    "published": _l("Published"),
    "stopped": _l("Stopped"),
}
INITIATIVE_ROLES = {
    "initiator": _l("Initiator"),
    "co-developer": _l("Co-developer"),
    "co-funder": _l("Co-funder"),
    "interested": _l("Interested"),
    "contractor": _l("Contractor"),
}
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
    "plan.external-service": _l("Service the municipality brings"),
    "plan.external-api": _l("External API to confirm"),
    "plan.chart-does-not-render": _l("Chart does not render"),
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
    503: _l("Temporarily unavailable"),
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
#: What an error means and what to do, when its code says nothing more precise (by status).
STATUS_DETAILS = {
    400: _l("The address or the form holds something the store cannot use. Go back, check what you "
            "chose or filled in, and try again."),
    401: _l("Sign in to see this page."),
    403: _l("Your account may not do this. Sign in with an account of the organisation that may, "
            "or ask its owner for a role."),
    404: _l("There is nothing at this address."),
    405: _l("This page cannot be used in this way. Go back and use the page's own buttons."),
    409: _l("This clashes with what the store already holds, or someone changed it at the same "
            "moment. Look again, then try again if it is still needed."),
    413: _l("The file is larger than the store accepts. Leave out what the app does not need and "
            "try again."),
    422: _l("The store checked what you sent and cannot accept it; the findings say what to fix."),
    429: _l("Too many attempts in a short time. Wait a few minutes and try again."),
    500: _l("Something went wrong on our side. Try again; if it persists, tell the curators."),
    503: _l("Part of the store is unavailable for a moment, so nothing was changed. Try again in a "
            "minute; if it persists, tell the curators."),
    507: ERROR_DETAILS["storage-full"],
}
#: Errors worded from their code and data (``RegistryError.page_code``, ``page_data``).
ERROR_TEXTS = {
    "app.not-found": _l("There is no app %(app)s in the catalogue."),
    "release.not-found": _l("The app %(app)s has no version %(version)s."),
    "organisation.not-found": _l("There is no organisation %(organisation)s in the store."),
    "environment.not-found": _l("This organisation has no environment %(environment)s."),
    "environment.not-yours": _l("Only %(organisation)s sees and changes its own environments and "
                                "installations; sign in with an account of that organisation."),
    "entitlement.own-module": _l("%(organisation)s is the vendor of %(app)s and may always download it."),
    "form.unreadable": _l("The form could not be read as it arrived. Send it again from the store's "
                          "own page; a program that sends it should use a common HTTP library."),
    "upload.too-large": _l("The file is larger than %(limit)s MiB; leave out what the app does not need."),
    "publish.rejected": _l("The verification found errors (%(count)s); fix them and publish again."),
    "publish.not-yours": _l("%(organisation)s may not publish this app: it belongs to another "
                            "organisation, or the manifest names another publisher."),
    "publish.version-exists": _l("Version %(version)s of %(app)s exists or existed; versions are never "
                                 "reused. Give the package a higher version."),
    "initiative.merged": _l("This initiative was merged into another; continue there."),
    "initiative.solutions-full": _l("This initiative points to as many existing apps as it can."),
    "initiative.solution-unpublished": _l("Only an app with a published release can be shown as an existing "
                                          "solution."),
    "initiative.solution-not-yours": _l("Only the organisation that publishes this app can offer it here."),
    "initiative.solution-not-removable": _l("Only the organisation that publishes this app, or the one that started "
                                            "the initiative, can remove it here."),
    "initiative.solutions-per-organisation": _l("Your organisation offers %(limit)s apps to this initiative "
                                                "already; withdraw one to offer another."),
    "initiative.not-a-curator": _l("Only the registry's curators merge initiatives."),
    "publisher-key.exists": _l("The key %(key)s is registered already; a key is registered once. Make a new "
                               "key."),
    "publisher-key.too-many": _l("An organisation has at most %(limit)s keys; revoke one you no longer use."),
    "publisher-key.not-found": _l("%(organisation)s has no such key."),
}


def labels() -> dict[str, dict]:
    """Every table of words, for templates: ``labels.layer[app.layer]``."""
    return {"layer": LAYERS, "kind": KINDS, "license": LICENCES, "severity": SEVERITIES,
            "role": ROLES, "status": STATUSES, "error": ERRORS, "error_detail": ERROR_DETAILS,
            "stage": STAGES, "plan": PLAN_STATUSES, "fit": FITS,
            "action": ACTIONS, "problem": PROBLEMS, "pricing": PRICING, "hosting": HOSTING, "support": SUPPORT,
            "content": CONTENT, "category": CATEGORIES, "sort": SORTS, "maintenance": MAINTENANCE,
            "development": DEVELOPMENT, "phase": PHASES, "initiative_role": INITIATIVE_ROLES}


def finding_text(finding: Any) -> Markup:
    """A finding's words in the page's language, from its code and data.

    A finding the catalogues do not know (an installed plugin's) keeps the
    English its check wrote, marked with ``lang="en"`` for screen readers.
    """
    return coded_text(finding.code, finding.data or {}, finding.message)


def problem_text(problem: Mapping[str, Any]) -> Markup:
    """A plan problem's words in the page's language, from its code and data (a plan
    stored before problems had data keeps its English message, marked as such)."""
    return coded_text(str(problem.get("code", "")), problem.get("data") or {}, str(problem.get("message", "")))


def coded_text(code: str, data: Mapping[str, Any], message: str) -> Markup:
    language = str(get_locale() or "nl")
    text, spoken = describe(code, data, message, language)
    if spoken != language:
        return Markup('<span lang="{}">{}</span>').format(spoken, text)
    marked = escape(text)
    if spoken == DEFAULT_LANGUAGE:
        return marked
    for name in QUOTED_FIELDS:  # another program's English inside our words
        quoted = data.get(name)
        if isinstance(quoted, str) and quoted.strip():
            marked = Markup(marked.replace(escape(quoted), Markup('<span lang="en">{}</span>').format(quoted), 1))
    return marked


def error_text(error: Any) -> str:
    """What a page says about a registry error, in the page's language: from its
    code and data, else its kind, else its status; never its English ``detail``."""
    template = ERROR_TEXTS.get(getattr(error, "page_code", None) or "")
    data = getattr(error, "page_data", None) or {}
    if template is not None:
        try:
            return str(template) % {name: str(value) for name, value in data.items()}
        except (KeyError, TypeError, ValueError):
            pass  # data short of a field: the kind's words below
    if error.slug in ERROR_DETAILS:
        return str(ERROR_DETAILS[error.slug])
    return str(STATUS_DETAILS.get(error.status, STATUS_DETAILS[500]))


def init_app(app: Flask) -> None:
    app.context_processor(lambda: {"labels": labels(), "finding_text": finding_text, "problem_text": problem_text,
                                       "error_text": error_text})
