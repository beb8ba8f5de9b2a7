"""Publishers: the organisation's page; for its members its environments and commercial
modules, and for its owners and maintainers its API tokens."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from registry.db import request_session
from registry.services.browsing import BrowseService
from registry.services.catalogue import AppQuery
from registry.services.initiative_news import initiative_news
from registry.services.landscape import LandscapeService
from registry.services.membership import MANAGERS, OrganisationAccess, role_in
from registry.services.organisations import OrganisationService
from registry.services.vendor_desk import VendorDesk
from registry.services.vendors import MUNICIPALITY
from web import web
from web.auth import current_user, signed_in, signed_in_user
from web.forms import RevokeTokenForm, TokenForm


@web.get("/organisations/<slug>")
def publisher_page(slug: str) -> str:
    session = request_session()
    organisation = OrganisationService(session).get(slug)
    apps = BrowseService(session).search(AppQuery(publisher=slug, page_size=100))
    user = current_user()
    role = role_in(user, organisation)
    access = OrganisationAccess(session, user) if user and role else None
    tokens = access.tokens(slug) if access and role in MANAGERS else None
    member = access.member_caller(slug) if access else None
    environments = (LandscapeService(session, member).environments(slug)
                    if member and organisation.kind == MUNICIPALITY else None)
    modules = VendorDesk(session, member).modules() if member else []
    return render_template("publisher.html", organisation=organisation, apps=apps, role=role, tokens=tokens,
                           token_form=TokenForm(), revoke_form=RevokeTokenForm(), environments=environments,
                           modules=modules, may_manage=role in MANAGERS,
                           news=initiative_news(session, slug))


@web.post("/organisations/<slug>/tokens")
@signed_in
def create_token(slug: str) -> str | Response:
    form = TokenForm()
    if not form.validate():
        flash(_("The description is too long."), "error")
        return redirect(url_for("web.publisher_page", slug=slug, _anchor="tokens"))
    token, secret = OrganisationAccess(request_session(), signed_in_user()).create_token(
        slug, form.description.data or "")
    return render_template("token_created.html", organisation=token.organisation, token=token, secret=secret)


@web.post("/organisations/<slug>/tokens/<int:token_id>/revoke")
@signed_in
def revoke_token(slug: str, token_id: int) -> Response:
    RevokeTokenForm().validate()  # the CSRF token is checked before the view already
    token = OrganisationAccess(request_session(), signed_in_user()).revoke_token(slug, token_id)
    flash(_("Token %(prefix)s… is revoked: it no longer works.", prefix=token.prefix), "success")
    return redirect(url_for("web.publisher_page", slug=slug, _anchor="tokens"))
