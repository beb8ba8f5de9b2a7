"""The forms of an organisation's signing keys: registering a public key with proof of its private key,
and revoking one."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from sdk.signatures import MAX_KEY_TEXT, MAX_SIGNATURE_TEXT
from web.forms import FILLED_IN

LIMITS = {"public_key": MAX_KEY_TEXT, "proof": MAX_SIGNATURE_TEXT, "label": 100}  # the form fields' maximum lengths


class PublisherKeyForm(FlaskForm):
    public_key = TextAreaField(_l("Public key"), validators=[FILLED_IN, Length(max=MAX_KEY_TEXT)],
                               description=_l("An Ed25519 public key in PEM, as `appstore keygen` prints it."))
    proof = StringField(_l("Proof of possession"), validators=[FILLED_IN, Length(max=MAX_SIGNATURE_TEXT)],
                        description=_l("What `appstore key-proof KEYFILE --organisation` with this organisation "
                                       "prints: a signature that only the private key makes."))
    label = StringField(_l("What is it for?"), validators=[Length(max=100)],
                        description=_l("For example: our release pipeline."))


class KeyActionForm(FlaskForm):
    """Only the CSRF token; the key is in the URL."""
