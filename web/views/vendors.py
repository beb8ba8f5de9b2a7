"""Commercial modules in the browser: a municipality registers or withdraws its
interest; the vendor's owners and maintainers grant and revoke entitlements."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from registry.db import request_session
from registry.errors import NotFound, RegistryError
from registry.services.entitlements import EntitlementService
from registry.services.interest import InterestService
from registry.services.membership import OrganisationAccess
from web import web
from web.auth import signed_in, signed_in_user
from web.forms import GrantForm, InterestForm, RevokeEntitlementForm
from web.labels import error_text


@web.post("/apps/<app_id>/interest")
@signed_in
def register_interest(app_id: str) -> Response:
    return _interest(app_id, withdraw=False)


@web.post("/apps/<app_id>/interest/withdraw")
@signed_in
def withdraw_interest(app_id: str) -> Response:
    return _interest(app_id, withdraw=True)


def _interest(app_id: str, withdraw: bool) -> Response:
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


@web.post("/organisations/<slug>/modules/<app_id>/entitlements")
@signed_in
def grant_entitlement(slug: str, app_id: str) -> Response:
    form = GrantForm()
    back = redirect(url_for("web.publisher_page", slug=slug, _anchor=f"module-{app_id}"))
    caller = OrganisationAccess(request_session(), signed_in_user()).caller(slug)
    if not form.validate():
        flash(_("Fill in the id of the organisation to entitle."), "error")
        return back
    organisation = (form.organisation.data or "").strip()
    try:
        created = EntitlementService(request_session()).grant(app_id, organisation, caller)[1]
    except NotFound:
        flash(_("There is no organisation with the id %(org)s.", org=organisation), "error")
        return back
    except RegistryError as error:  # e.g. the vendor itself: the service says why
        flash(error_text(error), "error")
        return back
    flash(_("%(org)s may now download %(app)s.", org=organisation, app=app_id) if created
          else _("%(org)s was entitled already.", org=organisation), "success")
    return back


@web.post("/organisations/<slug>/modules/<app_id>/entitlements/<org>/revoke")
@signed_in
def revoke_entitlement(slug: str, app_id: str, org: str) -> Response:
    RevokeEntitlementForm().validate()  # the CSRF token is checked before the view already
    caller = OrganisationAccess(request_session(), signed_in_user()).caller(slug)
    EntitlementService(request_session()).revoke(app_id, org, caller)
    flash(_("The entitlement of %(org)s to %(app)s is revoked.", org=org, app=app_id), "success")
    return redirect(url_for("web.publisher_page", slug=slug, _anchor=f"module-{app_id}"))
