"""An organisation's webhook subscriptions and their delivery log."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.errors import NotFound, RegistryError
from registry.models import Organisation, WebhookDelivery, WebhookSubscription, utcnow
from registry.services import audit
from registry.services.webhooks.addresses import AddressRefused, AllowList
from registry.services.webhooks.delivery import send_again
from registry.services.webhooks.events import EVENT_TYPES
from registry.services.webhooks.secrets import new_secret, seal

MAX_SUBSCRIPTIONS = 20  # per organisation
DELIVERY_LOG_LENGTH = 100


# Named, because in the service's own signatures `list` is its method, not the builtin.
Deliveries = list[WebhookDelivery]


class WebhookService:
    def __init__(self, session: Session, allow: AllowList, instance_secret: str,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.session = session
        self.allow = allow
        self.instance_secret = instance_secret
        self.clock = clock

    def create(self, organisation: Organisation, url: str, events: Sequence[str], description: str,
               actor: str) -> tuple[WebhookSubscription, str]:
        """A new subscription and its secret, which is shown this once."""
        unknown = sorted(set(events) - set(EVENT_TYPES))
        if unknown or not events:
            raise RegistryError(f"Choose events from {', '.join(EVENT_TYPES)}"
                                + (f"; unknown: {', '.join(unknown)}" if unknown else "") + ".", param="events")
        try:
            self.allow.check(url)
        except AddressRefused as error:
            raise RegistryError(f"The registry will not call this URL: {error}.", param="url") from None
        if len(self.list(organisation)) >= MAX_SUBSCRIPTIONS:
            raise RegistryError(f"An organisation has at most {MAX_SUBSCRIPTIONS} webhooks; delete one first.")
        secret = new_secret()
        subscription = WebhookSubscription(organisation_id=organisation.id, url=url, events=sorted(set(events)),
                                           description=description, secret_encrypted=seal(secret, self.instance_secret),
                                           created_by=actor)
        self.session.add(subscription)
        self.session.flush()
        audit.record(self.session, actor, "webhook.create", organisation.slug, webhook=subscription.id, url=url,
                     events=subscription.events)
        return subscription, secret

    def list(self, organisation: Organisation) -> list[WebhookSubscription]:
        return list(self.session.scalars(
            select(WebhookSubscription).where(WebhookSubscription.organisation_id == organisation.id,
                                              WebhookSubscription.deleted_at.is_(None))
            .order_by(WebhookSubscription.id)))

    def get(self, organisation: Organisation, webhook_id: int) -> WebhookSubscription:
        subscription = self.session.get(WebhookSubscription, webhook_id)
        if subscription is None or subscription.organisation_id != organisation.id \
                or subscription.deleted_at is not None:
            raise NotFound(f"`{organisation.slug}` has no webhook {webhook_id}.")
        return subscription

    def delete(self, organisation: Organisation, webhook_id: int, actor: str) -> None:
        """Stop a subscription; its pending deliveries are not sent, its log stays."""
        subscription = self.get(organisation, webhook_id)
        subscription.deleted_at = self.clock()
        audit.record(self.session, actor, "webhook.delete", organisation.slug, webhook=webhook_id)
        self.session.flush()

    def deliveries(self, subscription: WebhookSubscription) -> tuple[Deliveries, int]:
        """The latest deliveries, newest first, and how many there are in all."""
        total = self.session.scalar(select(func.count(WebhookDelivery.id))
                                    .where(WebhookDelivery.subscription_id == subscription.id)) or 0
        latest = self.session.scalars(select(WebhookDelivery)
                                      .where(WebhookDelivery.subscription_id == subscription.id)
                                      .order_by(WebhookDelivery.id.desc()).limit(DELIVERY_LOG_LENGTH))
        return list(latest), total

    def send_again(self, organisation: Organisation, webhook_id: int, delivery_id: int,
                   actor: str) -> WebhookDelivery:
        subscription = self.get(organisation, webhook_id)
        delivery = self.session.get(WebhookDelivery, delivery_id)
        if delivery is None or delivery.subscription_id != subscription.id:
            raise NotFound(f"Webhook {webhook_id} has no delivery {delivery_id}.")
        audit.record(self.session, actor, "webhook.resend", organisation.slug, webhook=webhook_id,
                     delivery=delivery_id)
        return send_again(self.session, delivery, self.clock())
