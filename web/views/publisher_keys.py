"""An organisation's signing keys in the browser, for its owners and maintainers: register
a public key (with its proof of possession), revoke one. The API's service."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from registry.db import request_session
from registry.errors import Conflict, RegistryError
from registry.models import Organisation
from registry.services.membership import MemberCaller, OrganisationAccess
from registry.services.publisher_keys import UNPROVEN, PublisherKeyService
from registry.transactions import rollback
from web import web
from web.auth import signed_in, signed_in_user
from web.key_forms import LIMITS, KeyActionForm, PublisherKeyForm

PREFIX = "/organisations/<slug>/keys"


def _managing(slug: str) -> tuple[Organisation, MemberCaller, PublisherKeyService]:
    """For an owner or maintainer of ``slug`` (403 for anyone else)."""
    access = OrganisationAccess(request_session(), signed_in_user())
    return access.managing(slug), access.caller(slug), PublisherKeyService(request_session())


def _page(organisation: Organisation, service: PublisherKeyService, form: PublisherKeyForm) -> str:
    return render_template("publisher_keys.html", organisation=organisation, keys=service.list(organisation),
                           form=form, action_form=KeyActionForm(), limits=LIMITS)


@web.route(PREFIX, methods=["GET", "POST"])
@signed_in
def publisher_keys_page(slug: str) -> str | tuple[str, int] | Response:
    organisation, caller, service = _managing(slug)
    form = PublisherKeyForm()
    if not form.is_submitted():
        return _page(organisation, service, form)
    if not form.validate():
        return _page(organisation, service, form), 400
    try:
        service.add(organisation, form.public_key.data or "", form.proof.data or "", form.label.data or "",
                    caller.actor)
    except RegistryError as error:
        rollback(request_session())
        _show_refusal(form, error, organisation)
        return _page(organisation, service, form), 400
    flash(_("The key is registered: releases signed with it show as signed by %(org)s.", org=organisation.name),
          "success")
    return redirect(url_for("web.publisher_keys_page", slug=slug))


def _show_refusal(form: PublisherKeyForm, error: RegistryError, organisation: Organisation) -> None:
    """The service's refusal as an error on the field it is about, in the page's language."""
    if isinstance(error, Conflict):
        form.public_key.errors = [_("This key is registered already. A key belongs to one organisation; make a new "
                                    "one with `appstore keygen`.")]
    elif any(p.code == UNPROVEN for p in getattr(error, "invalid_params", ())):
        form.proof.errors = [_("This is not the proof for this key and %(org)s. Make it with the key's private half: "
                               "`appstore key-proof KEYFILE --organisation %(slug)s`.",
                               org=organisation.name, slug=organisation.slug)]
    else:
        form.public_key.errors = [_("This is not an Ed25519 public key. Paste the PEM text `appstore keygen` "
                                    "printed.")]


@web.post(f"{PREFIX}/<fingerprint>/revocation")
@signed_in
def revoke_publisher_key(slug: str, fingerprint: str) -> Response:
    organisation, caller, service = _managing(slug)
    service.revoke(organisation, fingerprint, caller.actor)
    flash(_("The key is revoked: releases signed with it are flagged."), "success")
    return redirect(url_for("web.publisher_keys_page", slug=slug))
