"""An organisation's webhooks and their delivery log: only its own token reads or changes them."""

from __future__ import annotations

from flask import Response, current_app

from registry.api import api
from registry.api.context import answer, caller, json_body
from registry.api.models.webhooks import Delivery, DeliveryList, NewWebhook, NewWebhookAnswer, Webhook, WebhookList
from registry.api.spec import operation
from registry.db import request_session
from registry.request_guard import row_id
from registry.service_factories import webhook_service
from registry.services.environments import own_organisation

OWN = {403: "The token belongs to another organisation.", 404: "No such organisation."}
OWN_WEBHOOK = {**OWN, 404: "No such organisation or webhook."}


def _row(raw: str) -> int:
    """A webhook's or delivery's number from the path; 0 (which names nothing) for any other text."""
    return row_id(raw) or 0


@api.get("/organisations/<org>/webhooks")
@operation("listWebhooks", tag="webhooks", auth="bearer", summary="The organisation's webhooks.",
           answers={200: ("The webhooks.", WebhookList)}, problems=OWN)
def list_webhooks(org: str) -> Response:
    organisation = own_organisation(request_session(), org, caller())
    items = webhook_service(current_app, request_session()).list(organisation)
    return answer(WebhookList(items=[Webhook.of(s) for s in items], total=len(items)))


@api.post("/organisations/<org>/webhooks")
@operation("createWebhook", tag="webhooks", auth="bearer", body=NewWebhook,
           summary="Subscribe a URL to events; the answer holds the signing secret, this once.",
           answers={201: ("The new webhook with its secret.", NewWebhookAnswer)},
           problems={**OWN, 400: "The body is invalid, or the registry's allow-list refuses the URL "
                                 "(`invalidParams` says why)."})
def create_webhook(org: str) -> Response:
    who = caller()
    session = request_session()
    organisation = own_organisation(session, org, who)
    wanted = json_body(NewWebhook)
    subscription, secret = webhook_service(current_app, session).create(
        organisation, wanted.url, list(wanted.events), wanted.description, who.actor)
    body = NewWebhookAnswer(**Webhook.of(subscription).model_dump(), secret=secret)
    return answer(body, 201, {"Location": body.links["self"]})


@api.get("/organisations/<org>/webhooks/<webhook_id>")
@operation("getWebhook", tag="webhooks", auth="bearer", summary="One webhook.",
           answers={200: ("The webhook.", Webhook)}, problems=OWN_WEBHOOK)
def get_webhook(org: str, webhook_id: str) -> Response:
    organisation = own_organisation(request_session(), org, caller())
    return answer(Webhook.of(webhook_service(current_app, request_session()).get(organisation, _row(webhook_id))))


@api.delete("/organisations/<org>/webhooks/<webhook_id>")
@operation("deleteWebhook", tag="webhooks", auth="bearer",
           summary="Stop a webhook: nothing more is posted to it.", answers={204: ("Deleted.", None)},
           problems=OWN_WEBHOOK)
def delete_webhook(org: str, webhook_id: str) -> tuple[str, int]:
    who = caller()
    organisation = own_organisation(request_session(), org, who)
    webhook_service(current_app, request_session()).delete(organisation, _row(webhook_id), who.actor)
    return "", 204


@api.get("/organisations/<org>/webhooks/<webhook_id>/deliveries")
@operation("listWebhookDeliveries", tag="webhooks", auth="bearer",
           summary="The delivery log: each event, its state, attempts and the receiver's last answer.",
           answers={200: ("The latest deliveries.", DeliveryList)}, problems=OWN_WEBHOOK)
def list_webhook_deliveries(org: str, webhook_id: str) -> Response:
    organisation = own_organisation(request_session(), org, caller())
    service = webhook_service(current_app, request_session())
    items, total = service.deliveries(service.get(organisation, _row(webhook_id)))
    return answer(DeliveryList(items=[Delivery.of(d) for d in items], total=total))


@api.post("/organisations/<org>/webhooks/<webhook_id>/deliveries/<delivery_id>/redelivery")
@operation("redeliverWebhookEvent", tag="webhooks", auth="bearer",
           summary="Send a delivered or failed event again, with a fresh series of attempts.",
           answers={200: ("The delivery, pending again.", Delivery)},
           problems={**OWN, 404: "No such organisation, webhook or delivery."})
def redeliver_webhook_event(org: str, webhook_id: str, delivery_id: str) -> Response:
    who = caller()
    organisation = own_organisation(request_session(), org, who)
    delivery = webhook_service(current_app, request_session()).send_again(
        organisation, _row(webhook_id), _row(delivery_id), who.actor)
    return answer(Delivery.of(delivery))
