"""Publishing in the browser: upload a package, read the same findings as the API gives,
led by the verdict per platform."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from registry.api.context import publish_service
from registry.db import request_session
from registry.errors import RegistryError
from registry.services.membership import OrganisationAccess, managed_organisations
from web import web
from web.auth import signed_in, signed_in_user
from web.choices import organisation_options
from web.forms import PublishForm
from web.presenters import verdicts
from web.upload_result import published_message, template_values


@web.route("/publish", methods=["GET", "POST"])
@signed_in
def publish() -> str | Response | tuple[str, int]:
    user = signed_in_user()
    form = PublishForm()
    form.organisation.choices = organisation_options(managed_organisations(user))
    if not form.organisation.choices:
        return render_template("publish.html", form=None), 403
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("publish.html", form=form), status
    caller = OrganisationAccess(request_session(), user).caller(form.organisation.data)
    upload = form.package.data
    try:
        release = publish_service().publish(upload.stream, upload.filename or "package.tar.gz", caller)
    except RegistryError as error:
        return render_template("publish.html", form=form, error=error, **template_values(error)), error.status
    flash(*published_message(release.app.name, release.version, verdicts(release)))
    return redirect(url_for("web.release_page", app_id=release.app.slug, version=release.version))
