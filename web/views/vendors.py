"""Commercial modules in the browser: a municipality registers or withdraws its
interest; the vendor's owners and maintainers look organisations up by name to
entitle them, and revoke an entitlement after a page that says what that undoes."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from registry.db import request_session
from registry.errors import NotFound, RegistryError
from registry.services.entitlement_choices import EntitlementChoices
from registry.services.entitlements import EntitlementService
from registry.services.interest import InterestService
from registry.services.membership import MemberCaller, OrganisationAccess
from registry.services.organisation_names import MAX_QUERY
from web import web
from web.auth import current_user, signed_in, signed_in_user
from web.forms import GrantForm, InterestForm, RevokeEntitlementForm
from web.labels import error_text


@web.post("/apps/<app_id>/interest")
def register_interest(app_id: str) -> Response:
    return _interest(app_id, withdraw=False)


@web.post("/apps/<app_id>/interest/withdraw")
def withdraw_interest(app_id: str) -> Response:
    return _interest(app_id, withdraw=True)


def _interest(app_id: str, withdraw: bool) -> Response:
    if current_user() is None:  # back to the app page after signing in, not to this form's address
        return redirect(url_for("web.sign_in", next=url_for("web.app_page", app_id=app_id, _anchor="buying")))
    form = InterestForm()
    form.validate()
    caller = OrganisationAccess(request_session(), signed_in_user()).member_caller(form.organisation.data or "")
    service = InterestService(request_session())
    if withdraw:
        service.withdraw(app_id, caller)
        flash(_("The interest of %(org)s is withdrawn.", org=caller.organisation), "success")
    else:
        service.register(app_id, caller)
        flash(_("The interest of %(org)s is registered: the vendor sees it.", org=caller.organisation), "success")
    return redirect(url_for("web.app_page", app_id=app_id, _anchor="buying"))


ENTITLEMENTS = "/organisations/<slug>/modules/<app_id>/entitlements"


@web.get(ENTITLEMENTS)
@signed_in
def choose_entitlement(slug: str, app_id: str) -> str:
    """Look an organisation up by name; each match can be entitled from here."""
    choices = EntitlementChoices(request_session(), _vendor(slug))
    app = choices.module(app_id)
    name = request.args.get("name", "")[:MAX_QUERY].strip()
    candidates = choices.candidates(app_id, name) if name else []
    return render_template("entitlement_search.html", app=app, name=name, candidates=candidates,
                           grant_form=GrantForm())


@web.post(ENTITLEMENTS)
@signed_in
def grant_entitlement(slug: str, app_id: str) -> Response:
    form = GrantForm()
    back = redirect(url_for("web.publisher_page", slug=slug, _anchor=f"module-{app_id}"))
    caller = _vendor(slug)
    if not form.validate():
        flash(_("Choose the organisation to entitle."), "error")
        return back
    organisation = (form.organisation.data or "").strip()
    try:
        entitlement, created = EntitlementService(request_session()).grant(app_id, organisation, caller)
    except NotFound:
        flash(_("There is no organisation with the id %(org)s.", org=organisation), "error")
        return back
    except RegistryError as error:  # the vendor itself, the only other refusal that is not a 403
        flash(error_text(error), "error")
        return back
    names = {"org": entitlement.organisation.name, "app": entitlement.app.name}
    flash(_("%(org)s may now download %(app)s.", **names) if created
          else _("%(org)s was entitled already.", **names), "success")
    return back


@web.get(f"{ENTITLEMENTS}/<org>/revoke")
@signed_in
def confirm_revocation(slug: str, app_id: str, org: str) -> str:
    """"Are you sure?", with what revoking undoes; the button on it revokes."""
    revocation = EntitlementChoices(request_session(), _vendor(slug)).revocation(app_id, org)
    entitlement = revocation.entitlement
    return render_template("entitlement_revoke.html", revocation=revocation, app=entitlement.app,
                           organisation=entitlement.organisation, form=RevokeEntitlementForm())


@web.post(f"{ENTITLEMENTS}/<org>/revoke")
@signed_in
def revoke_entitlement(slug: str, app_id: str, org: str) -> Response:
    RevokeEntitlementForm().validate()  # the CSRF token is checked before the view already
    caller = _vendor(slug)
    entitlement = EntitlementChoices(request_session(), caller).revocation(app_id, org).entitlement
    names = {"org": entitlement.organisation.name, "app": entitlement.app.name}  # read before it is gone
    EntitlementService(request_session()).revoke(app_id, org, caller)
    flash(_("The entitlement of %(org)s to %(app)s is revoked.", **names), "success")
    return redirect(url_for("web.publisher_page", slug=slug, _anchor=f"module-{app_id}"))


def _vendor(slug: str) -> MemberCaller:
    """The signed-in person acting for ``slug`` as its owner or maintainer (403 for anyone else)."""
    return OrganisationAccess(request_session(), signed_in_user()).caller(slug)
