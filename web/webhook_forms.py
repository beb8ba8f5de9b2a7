"""The forms of an organisation's webhooks: subscribing a URL, and the buttons that
delete one or send a delivery again."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, URLField
from wtforms.validators import DataRequired, Length

from registry.services.webhooks import events
from web.choices import options
from web.forms import FILLED_IN
from web.listing_form import CheckboxesField

EVENT_LABELS = {
    events.RELEASE_PUBLISHED: _l("A release is published"),
    events.RELEASE_YANKED: _l("A release is yanked"),
    events.ADVISORY_PUBLISHED: _l("A security advisory concerns an app you installed"),
    events.ENTITLEMENT_GRANTED: _l("An entitlement to a commercial module is granted"),
    events.ENTITLEMENT_REVOKED: _l("An entitlement to a commercial module is revoked"),
    events.INSTALLATION_RECORDED: _l("Your organisation records an install"),
}
DELIVERY_STATES = {"pending": _l("Waiting"), "delivered": _l("Delivered"), "failed": _l("Failed")}


class WebhookForm(FlaskForm):
    url = URLField(_l("Address (URL)"), validators=[FILLED_IN, Length(max=2000)],
                   description=_l("Where the registry posts events, such as https://hooks.gemeente.example/appstore."))
    events = CheckboxesField(_l("Events"), choices=options(EVENT_LABELS),
                             validators=[DataRequired(_l("Choose at least one event."))])
    description = StringField(_l("What receives them?"), validators=[Length(max=200)],
                              description=_l("For example: our CMDB."))


class WebhookActionForm(FlaskForm):
    """Only the CSRF token; the webhook (and delivery) are in the URL."""
