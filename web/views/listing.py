"""The vendor edits the listing of its commercial module in the browser: the same
fields and the same checks as the API, every problem shown at its field."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from registry.db import request_session
from registry.errors import InvalidInput
from registry.models import App
from registry.services.listings import ListingService
from registry.services.membership import OrganisationAccess
from web import web
from web.auth import signed_in, signed_in_user
from web.listing_form import LIMITS, ListingForm

LISTING = "/organisations/<slug>/modules/<app_id>/listing"


@web.get(LISTING)
@signed_in
def edit_listing(slug: str, app_id: str) -> str:
    caller = OrganisationAccess(request_session(), signed_in_user()).caller(slug)  # owners and maintainers
    app = ListingService(request_session()).editable(app_id, caller)
    return _form_page(app, ListingForm.of(getattr(app, "listing", None)))  # a backref the type checker cannot see


@web.post(LISTING)
@signed_in
def save_listing(slug: str, app_id: str) -> Response | tuple[str, int]:
    caller = OrganisationAccess(request_session(), signed_in_user()).caller(slug)
    service = ListingService(request_session())
    app = service.editable(app_id, caller)
    form = ListingForm()
    form.validate()  # only the CSRF token, which is checked before the view already: the registry judges the rest
    try:
        service.put(app_id, form.body(), caller)
    except InvalidInput as error:
        elsewhere = form.show_problems(error.invalid_params)
        return _form_page(app, form, elsewhere), 400
    flash(_("The listing of %(app)s is saved.", app=app.name), "success")
    return redirect(url_for("web.app_page", app_id=app_id, _anchor="buying"))


def _form_page(app: App, form: ListingForm, elsewhere: list[str] | None = None) -> str:
    return render_template("listing.html", app=app, form=form, elsewhere=elsewhere or [], limits=LIMITS)
