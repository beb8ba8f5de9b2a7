"""An organisation's webhooks in the browser, for its owners and maintainers: subscribe a
URL (its secret shown once), the delivery log, send again, delete. The API's service."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from registry.db import request_session
from registry.errors import RegistryError
from registry.models import Organisation
from registry.service_factories import webhook_service
from registry.services.membership import MemberCaller, OrganisationAccess
from registry.services.webhooks.subscriptions import WebhookService
from registry.transactions import rollback
from web import web
from web.auth import signed_in, signed_in_user
from web.webhook_forms import DELIVERY_STATES, EVENT_LABELS, WebhookActionForm, WebhookForm

PREFIX = "/organisations/<slug>/webhooks"
SHOWN_DELIVERIES = 20
LIMITS = {"url": 2000, "description": 200}  # the form fields' maximum lengths


def _managing(slug: str) -> tuple[Organisation, MemberCaller, WebhookService]:
    """For an owner or maintainer of ``slug`` (403 for anyone else)."""
    access = OrganisationAccess(request_session(), signed_in_user())
    return access.managing(slug), access.caller(slug), webhook_service(current_app, request_session())


def _page(organisation: Organisation, service: WebhookService, form: WebhookForm) -> str:
    hooks = [(s, service.deliveries(s)[0][:SHOWN_DELIVERIES]) for s in service.list(organisation)]
    return render_template("webhooks.html", organisation=organisation, hooks=hooks, form=form,
                           action_form=WebhookActionForm(), event_labels=EVENT_LABELS, states=DELIVERY_STATES,
                           limits=LIMITS)


@web.route(PREFIX, methods=["GET", "POST"])
@signed_in
def webhooks_page(slug: str) -> str | tuple[str, int]:
    organisation, caller, service = _managing(slug)
    form = WebhookForm()
    if not form.is_submitted():
        return _page(organisation, service, form)
    if not form.validate():
        return _page(organisation, service, form), 400
    try:
        subscription, secret = service.create(organisation, (form.url.data or "").strip(), form.events.data or [],
                                              form.description.data or "", caller.actor)
    except RegistryError as error:
        rollback(request_session())
        message = (_("The registry will not call this address. Use https, a host name that resolves, and an "
                     "address the registry's allow-list permits (never a private or local one).")
                   if error.param == "url" else _("The webhook could not be saved; check the values."))
        form.url.errors = [message]
        return _page(organisation, service, form), 400
    return render_template("webhook_created.html", organisation=organisation, subscription=subscription,
                           secret=secret)


@web.post(f"{PREFIX}/<int:webhook_id>/delete")
@signed_in
def delete_webhook(slug: str, webhook_id: int) -> Response:
    organisation, caller, service = _managing(slug)
    service.delete(organisation, webhook_id, caller.actor)
    flash(_("The webhook is deleted: nothing more is posted to it."), "success")
    return redirect(url_for("web.webhooks_page", slug=slug))


@web.post(f"{PREFIX}/<int:webhook_id>/deliveries/<int:delivery_id>/redelivery")
@signed_in
def redeliver_webhook_event(slug: str, webhook_id: int, delivery_id: int) -> Response:
    organisation, caller, service = _managing(slug)
    service.send_again(organisation, webhook_id, delivery_id, caller.actor)
    flash(_("The event will be sent again."), "success")
    return redirect(url_for("web.webhooks_page", slug=slug, _anchor=f"webhook-{webhook_id}"))
