"""Webhook subscriptions, what creates one, and their delivery log."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from registry.api.models.base import ApiModel, Links, ListOf, Moment
from registry.api.timestamps import timestamp
from registry.models import WebhookDelivery, WebhookSubscription
from registry.public_urls import external_url_for
from registry.services.webhooks.addresses import MAX_URL_LENGTH
from registry.services.webhooks.events import EVENT_TYPES
from registry.validation import InputModel

EventType = Literal[tuple(EVENT_TYPES)]  # type: ignore[valid-type]
EVENTS_DESCRIPTION = "Events to post: " + " ".join(f"`{name}`: {text}" for name, text in EVENT_TYPES.items())


class NewWebhook(InputModel):
    model_config = {"json_schema_extra": {"example": {
        "url": "https://hooks.gemeente.example/appstore", "events": ["release.published", "release.yanked"],
        "description": "Our CMDB"}}}

    url: str = Field(min_length=8, max_length=MAX_URL_LENGTH,
                     description="Where events are posted (https; the registry's allow-list decides).")
    events: list[EventType] = Field(  # type: ignore[valid-type]
        min_length=1, max_length=len(EVENT_TYPES), description=EVENTS_DESCRIPTION)
    description: str = Field("", max_length=200, description="What the receiver is, for people.")


class Webhook(ApiModel):
    id: int
    organisation: str
    url: str
    events: list[str]
    description: str
    created_by: str
    created_at: Moment
    links: Links

    @classmethod
    def of(cls, subscription: WebhookSubscription) -> Webhook:
        org = subscription.organisation.slug
        return cls(id=subscription.id, organisation=org, url=subscription.url, events=list(subscription.events),
                   description=subscription.description, created_by=subscription.created_by,
                   created_at=timestamp(subscription.created_at),
                   links={"self": external_url_for("api.get_webhook", org=org, webhook_id=subscription.id),
                          "deliveries": external_url_for("api.list_webhook_deliveries", org=org,
                                                         webhook_id=subscription.id)})


class NewWebhookAnswer(Webhook):
    secret: str = Field(description="The signing secret, shown this once: keep it with the receiver. Each "
                                    "delivery carries `Webhook-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "
                                    "'<t>.<body>'>`.")


class WebhookList(ListOf[Webhook]):
    """The organisation's webhooks."""


class Delivery(ApiModel):
    id: int
    event_id: str = Field(description="The CloudEvent's id (also the Webhook-Id header): deduplicate on it.")
    event_type: str
    app: str
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    next_attempt_at: Moment
    last_status_code: int | None = Field(description="The receiver's last HTTP status; null without an answer.")
    last_error: str
    created_at: Moment
    delivered_at: Moment
    event: dict[str, Any] = Field(description="The CloudEvent as posted (structured mode).")

    @classmethod
    def of(cls, delivery: WebhookDelivery) -> Delivery:
        return cls(id=delivery.id, event_id=delivery.event_id, event_type=delivery.event_type,
                   app=delivery.ordering_key, status=delivery.status,  # type: ignore[arg-type]
                   attempts=delivery.attempts, next_attempt_at=timestamp(delivery.next_attempt_at),
                   last_status_code=delivery.last_status_code, last_error=delivery.last_error,
                   created_at=timestamp(delivery.created_at), delivered_at=timestamp(delivery.delivered_at),
                   event=dict(delivery.envelope))


class DeliveryList(ListOf[Delivery]):
    """The latest deliveries (at most 100), newest first; ``total`` counts them all."""
