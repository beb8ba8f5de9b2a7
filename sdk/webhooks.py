"""Webhook signatures: how the registry signs a delivery, and how a receiver checks one.

The registry posts each event with a header

    Webhook-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>

where the HMAC is keyed with the subscription's secret (the whole text, ``whsec_...``, as
UTF-8) over ``<t>.<exact request body>``. The timestamp is inside the signed text, so an
old delivery replayed later fails the receiver's age check. The scheme follows Standard
Webhooks (signed id, time and body) in the header layout many receivers already parse.
A receiver also deduplicates on ``Webhook-Id`` (the CloudEvent's ``id``): a delivery may
arrive twice when the registry stopped between sending it and recording the answer.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "Webhook-Signature"
ID_HEADER = "Webhook-Id"
VERSION = "v1"
TOLERANCE_SECONDS = 300
MAX_HEADER_LENGTH = 1000


class SignatureError(ValueError):
    """The signature is missing, malformed, too old or wrong."""


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``<timestamp>.<body>`` under ``secret``."""
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    """The value of the ``Webhook-Signature`` header for ``body`` sent at ``timestamp``."""
    return f"t={timestamp},{VERSION}={signature(secret, timestamp, body)}"


def verify(secret: str, header: str, body: bytes, now: int, tolerance: int = TOLERANCE_SECONDS) -> int:
    """Check a received ``Webhook-Signature`` header; the signed timestamp, or SignatureError."""
    if not header or len(header) > MAX_HEADER_LENGTH:
        raise SignatureError(f"no usable {SIGNATURE_HEADER} header")
    fields: dict[str, list[str]] = {}
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        fields.setdefault(name, []).append(value)
    stamps = fields.get("t", [])
    if len(stamps) != 1 or not stamps[0].isdigit():
        raise SignatureError("the header carries no timestamp t=<unix seconds>")
    timestamp = int(stamps[0])
    if abs(now - timestamp) > tolerance:
        raise SignatureError(f"the timestamp is more than {tolerance} seconds away from now (a replay?)")
    expected = signature(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, given) for given in fields.get(VERSION, [])):
        raise SignatureError("no v1 signature matches the body and the secret")
    return timestamp
