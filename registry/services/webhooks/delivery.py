"""Delivering the outbox: claim due rows, post them signed, record the answer.

Any number of workers (``appstore-registry webhooks deliver`` on several hosts) share
the outbox. A worker claims rows in a short transaction of its own: on PostgreSQL it
selects them ``FOR UPDATE SKIP LOCKED``, so workers pass each other by; on every
database the claim itself is one conditional UPDATE that only one worker can win.
A claim is a lease: if the worker dies before recording the answer, the row is
due again when the lease ends, so nothing is lost (the receiver may then see an
event twice and deduplicates on its id). The post happens outside any transaction.

A row waits while an earlier row of the same subscription and app is pending, so
each receiver hears of an app's events in the order they happened. Failed posts
are retried with exponential backoff and jitter; after the last attempt the row is
marked failed, shown in the delivery log, and can be sent again.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, or_, select, update
from sqlalchemy.orm import Session, aliased

from registry.db import Database
from registry.models import (
    DELIVERY_DELIVERED,
    DELIVERY_FAILED,
    DELIVERY_PENDING,
    WebhookDelivery,
    WebhookSubscription,
    utcnow,
)
from registry.services.webhooks.addresses import AddressRefused, AllowList
from registry.services.webhooks.posting import Answer, PostRefused, post
from registry.services.webhooks.secrets import SecretUnreadable, unseal
from sdk.webhooks import ID_HEADER, SIGNATURE_HEADER, signature_header

log = logging.getLogger(__name__)
CONTENT_TYPE = "application/cloudevents+json"
BATCH = 20
MAX_ERROR = 500


@dataclass(frozen=True)
class DeliverySettings:
    allow: AllowList
    instance_secret: str
    max_attempts: int = 10
    backoff_seconds: float = 30.0
    backoff_max_seconds: float = 6 * 3600.0
    timeout_seconds: float = 10.0

    @property
    def lease(self) -> timedelta:
        """Long enough for a post that takes its full timeout, with room to record it."""
        return timedelta(seconds=3 * self.timeout_seconds + 30)

    def backoff(self, attempts: int) -> timedelta:
        """Wait after the ``attempts``-th failure: doubling, capped, with jitter so that
        many rows failed by one outage do not all come back at the same moment."""
        base = min(self.backoff_seconds * 2 ** (attempts - 1), self.backoff_max_seconds)
        return timedelta(seconds=base * random.uniform(0.5, 1.0))  # noqa: S311  # jitter, not a secret


Poster = Callable[..., Answer]


class Courier:
    """Delivers due outbox rows, one short transaction to claim and one to record each."""

    def __init__(self, database: Database, settings: DeliverySettings, clock: Callable[[], datetime] = utcnow,
                 poster: Poster = post) -> None:
        self.database = database
        self.settings = settings
        self.clock = clock
        self.poster = poster

    def deliver_due(self, limit: int = BATCH) -> int:
        """Claim and post up to ``limit`` due rows; how many were attempted."""
        claimed = self.claim(limit)
        for delivery_id in claimed:
            self._deliver(delivery_id)
        return len(claimed)

    def claim(self, limit: int) -> list[int]:
        now = self.clock()
        with self.database.session() as session:
            ids = list(session.scalars(due(now).limit(limit).with_for_update(skip_locked=True, of=WebhookDelivery)))
            claimed = []
            for delivery_id in ids:
                won = session.execute(  # type: ignore[attr-defined]  # an UPDATE gives a CursorResult
                    update(WebhookDelivery)
                    .where(WebhookDelivery.id == delivery_id, WebhookDelivery.status == DELIVERY_PENDING,
                           or_(WebhookDelivery.claimed_until.is_(None), WebhookDelivery.claimed_until <= now))
                    .values(claimed_until=now + self.settings.lease, attempts=WebhookDelivery.attempts + 1)
                    .execution_options(synchronize_session=False)).rowcount
                if won == 1:
                    claimed.append(delivery_id)
        return claimed

    def _deliver(self, delivery_id: int) -> None:
        with self.database.session() as session:
            delivery = session.get(WebhookDelivery, delivery_id)
            if delivery is None:
                return
            url, sealed = delivery.subscription.url, delivery.subscription.secret_encrypted
            envelope, attempts = delivery.envelope, delivery.attempts
        body = json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode()
        try:
            secret = unseal(sealed, self.settings.instance_secret)
        except SecretUnreadable as error:
            self._record(delivery_id, None, str(error), final=True)
            return
        sent_at = self.clock()
        headers = {"Content-Type": CONTENT_TYPE, ID_HEADER: envelope["id"],
                   SIGNATURE_HEADER: signature_header(secret, int(sent_at.timestamp()), body),
                   "User-Agent": "gemeente-appstore-webhooks/1"}
        try:
            target = self.settings.allow.check(url)
            answer = self.poster(target, body, headers, timeout=self.settings.timeout_seconds)
        except (AddressRefused, PostRefused) as error:
            self._record(delivery_id, None, str(error), final=attempts >= self.settings.max_attempts)
            return
        if 200 <= answer.status < 300:
            self._record(delivery_id, answer.status, "", delivered=True)
        else:
            self._record(delivery_id, answer.status, f"the receiver answered {answer.status}: {answer.excerpt}",
                         final=attempts >= self.settings.max_attempts)

    def _record(self, delivery_id: int, status: int | None, error: str, *, delivered: bool = False,
                final: bool = False) -> None:
        now = self.clock()
        with self.database.session() as session:
            delivery = session.get(WebhookDelivery, delivery_id)
            if delivery is None or delivery.status != DELIVERY_PENDING:
                return
            delivery.last_status_code = status
            delivery.last_error = error[:MAX_ERROR]
            delivery.claimed_until = None
            if delivered:
                delivery.status, delivery.delivered_at = DELIVERY_DELIVERED, now
            elif final:
                delivery.status = DELIVERY_FAILED
                log.warning("webhook delivery %s to subscription %s failed for good: %s", delivery.id,
                            delivery.subscription_id, error)
            else:
                delivery.next_attempt_at = now + self.settings.backoff(delivery.attempts)


def due(now: datetime):  # type: ignore[no-untyped-def]  # a Select of ids
    """Ids of pending rows whose time has come, that no worker holds, and that no earlier
    pending row of the same subscription and app holds back; oldest first."""
    earlier = aliased(WebhookDelivery)
    held_back = exists().where(earlier.subscription_id == WebhookDelivery.subscription_id,
                               earlier.ordering_key == WebhookDelivery.ordering_key,
                               earlier.status == DELIVERY_PENDING, earlier.id < WebhookDelivery.id)
    return (select(WebhookDelivery.id)
            .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
            .where(WebhookDelivery.status == DELIVERY_PENDING, WebhookDelivery.next_attempt_at <= now,
                   or_(WebhookDelivery.claimed_until.is_(None), WebhookDelivery.claimed_until <= now),
                   WebhookSubscription.deleted_at.is_(None), ~held_back)
            .order_by(WebhookDelivery.id))


def send_again(session: Session, delivery: WebhookDelivery, now: datetime) -> WebhookDelivery:
    """Queue a delivered or failed row once more, as a fresh series of attempts."""
    if delivery.status != DELIVERY_PENDING:
        delivery.status, delivery.attempts, delivery.next_attempt_at = DELIVERY_PENDING, 0, now
        delivery.claimed_until, delivery.delivered_at = None, None
        session.flush()
    return delivery
