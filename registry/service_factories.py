"""Services as an app instance configures them: its store, plugins and limits.

Views, commands and the demo build their services here, so that nothing
below the app factory needs to import it (``registry.app`` registers the
blueprints, which would make a cycle).
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy.orm import Session

from registry.db import database
from registry.extensions import CLOCK, LEFTOVERS, PLUGINS, STORE, WEBHOOK_ALLOW
from registry.services.accounts import AccountService
from registry.services.passwords import passwords_for
from registry.services.publishing import PublishService, PublishSettings
from registry.services.sign_in_limits import SignInLimits
from registry.services.sign_in_sessions import SessionLifetimes, SignInSessions
from registry.services.webhooks.addresses import AllowList
from registry.services.webhooks.delivery import Courier, DeliverySettings
from registry.services.webhooks.subscriptions import WebhookService
from sdk.archive import ArchiveLimits
from sdk.budget import WorkLimits


def publish_service(app: Flask, session: Session) -> PublishService:
    """The publish service of an app instance, with its store, plugins and limits."""
    config = app.config
    return PublishService(
        session,
        app.extensions[STORE],
        app.extensions[PLUGINS],
        PublishSettings(
            max_upload_bytes=config["MAX_UPLOAD_BYTES"],
            limits=ArchiveLimits(
                max_members=config["ARCHIVE_MAX_MEMBERS"],
                max_unpacked_bytes=config["ARCHIVE_MAX_UNPACKED_BYTES"],
                max_ratio=config["ARCHIVE_MAX_RATIO"],
            ),
            work=WorkLimits(
                max_documents=config["VERIFY_MAX_DOCUMENTS"],
                max_findings_per_code=config["VERIFY_MAX_FINDINGS_PER_CODE"],
                max_seconds=config["VERIFY_TIME_BUDGET_SECONDS"],
            ),
        ),
        leftovers=app.extensions[LEFTOVERS],
    )


def account_service(app: Flask, session: Session) -> AccountService:
    """The account service with the sign-in limits and password hash costs of this app instance."""
    config = app.config
    return AccountService(session, SignInLimits(
        per_account_address=config["SIGN_IN_LIMIT_PER_ACCOUNT_ADDRESS"],
        per_address=config["SIGN_IN_LIMIT_PER_ADDRESS"],
        window=timedelta(minutes=config["SIGN_IN_WINDOW_MINUTES"]),
    ), passwords_for(config["PASSWORD_HASH_PROFILE"]))


def sign_in_sessions(app: Flask, session: Session) -> SignInSessions:
    """The signed-in browsers, with the lifetimes of this app instance."""
    return SignInSessions(session, SessionLifetimes(
        idle=timedelta(minutes=app.config["SESSION_IDLE_MINUTES"]),
        absolute=timedelta(hours=app.config["SESSION_LIFETIME_HOURS"]),
    ))


def webhook_allow_list(app: Flask) -> AllowList:
    """The app's webhook allow-list, knowing the registry's own addresses (resolved once)."""
    allow = app.extensions.get(WEBHOOK_ALLOW)
    if allow is None:
        host = urlsplit(app.config["PUBLIC_URL"]).hostname or ""
        allow = app.extensions[WEBHOOK_ALLOW] = AllowList.parse(app.config["WEBHOOK_ALLOW"]).knowing_own([host])
    return allow


def webhook_service(app: Flask, session: Session) -> WebhookService:
    return WebhookService(session, webhook_allow_list(app), app.config["SECRET_KEY"], app.extensions[CLOCK])


def webhook_courier(app: Flask) -> Courier:
    """The worker that delivers the outbox of the app's database."""
    config = app.config
    settings = DeliverySettings(webhook_allow_list(app), config["SECRET_KEY"],
                                max_attempts=config["WEBHOOK_MAX_ATTEMPTS"],
                                backoff_seconds=config["WEBHOOK_BACKOFF_SECONDS"],
                                timeout_seconds=config["WEBHOOK_TIMEOUT_SECONDS"])
    return Courier(database(app), settings, app.extensions[CLOCK])
