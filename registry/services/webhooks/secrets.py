"""Subscription secrets: made once, shown once, kept encrypted with the instance secret.

The registry signs every delivery with the secret, so it must be able to read it
back: a hash would not do. A key for AES-GCM is derived from the instance secret
(HKDF-SHA256, its own purpose label), so a copy of the database alone reveals no
secret. A new instance secret makes old sealed secrets unreadable: their
deliveries fail with a message saying to create the subscription again.
"""

from __future__ import annotations

import base64
import os
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SECRET_PREFIX = "whsec_"
SEALED_VERSION = "v1"
_PURPOSE = b"gemeente-appstore webhook secrets"
_NONCE_BYTES = 12


class SecretUnreadable(Exception):
    """The sealed secret does not open with this instance secret."""


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def seal(secret: str, instance_secret: str) -> str:
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(_key(instance_secret)).encrypt(nonce, secret.encode(), _PURPOSE)
    return f"{SEALED_VERSION}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def unseal(sealed: str, instance_secret: str) -> str:
    version, _, text = sealed.partition(":")
    try:
        if version != SEALED_VERSION:
            raise ValueError(version)
        raw = base64.urlsafe_b64decode(text.encode())
        return AESGCM(_key(instance_secret)).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _PURPOSE).decode()
    except (ValueError, InvalidTag) as error:
        raise SecretUnreadable("the subscription's secret does not open with this registry's secret key "
                               "(was APPSTORE_SECRET_KEY changed?); delete the subscription and create it again"
                               ) from error


def _key(instance_secret: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PURPOSE).derive(instance_secret.encode())
