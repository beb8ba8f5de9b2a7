"""Publishers' own signatures: Ed25519 keys, their fingerprints, and what is signed.

A publisher signs the package's sha256, written as lowercase hex text; the
signature travels as base64 next to the upload, with the key's fingerprint
(the sha256 of the raw 32-byte public key, hex). The registry and the CLI
share these functions so that both read keys and signatures the same way.

Registering a public key takes a proof of possession: a signature, made
with the private key, over a statement that names the registering
organisation and the key. Without it anyone could register another
organisation's public key and so block its registration. The statement
starts with a purpose line, so it can never be read as a release signature
(those sign 64 hex characters) nor a release signature as a proof.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import string
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sdk.errors import AppstoreError
from sdk.messages import render

RAW_KEY_BYTES = 32
MAX_KEY_TEXT = 1000  # a PEM public key is ~113 characters; anything far larger is not one
MAX_SIGNATURE_TEXT = 200  # base64 of 64 bytes is 88 characters
FINGERPRINT_HEX = 64
#: The first line of what a proof of possession signs: what the signature is for, and its version.
POSSESSION_PURPOSE = "gemeente-appstore publisher-key registration v1"


class BadKey(AppstoreError):
    """A key or signature text that is not an Ed25519 one; its words come from the catalogue
    (``code`` with ``data``), English in ``message`` for the registry's API."""

    def __init__(self, code: str, **data: str) -> None:
        super().__init__(render(code, data) or code, code=code, data=data)


def public_key_of(text: str) -> bytes:
    """The raw 32 bytes of an Ed25519 public key given as PEM or as base64 of the raw key."""
    text = text.strip()
    if not text or len(text) > MAX_KEY_TEXT:
        raise BadKey("key.public-empty-or-long")
    if text.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(text.encode())
        except (ValueError, TypeError):
            key = None
        if not isinstance(key, Ed25519PublicKey):
            raise BadKey("key.public-pem-not-ed25519")
        return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    raw = _base64(text)
    if raw is None or len(raw) != RAW_KEY_BYTES:
        raise BadKey("key.public-unreadable")
    Ed25519PublicKey.from_public_bytes(raw)
    return raw


def fingerprint(raw_public_key: bytes) -> str:
    """The key's id: sha256 of its raw bytes, lowercase hex."""
    return hashlib.sha256(raw_public_key).hexdigest()


def signed_text(sha256: str) -> bytes:
    """What a publisher signs: the package's sha256 as lowercase hex text."""
    return sha256.lower().encode("ascii")


def decode_signature(text: str) -> bytes | None:
    """The 64 signature bytes from base64 text, or None when it is not one."""
    if len(text) > MAX_SIGNATURE_TEXT:
        return None
    raw = _base64(text.strip())
    return raw if raw is not None and len(raw) == 64 else None


def verifies(raw_public_key: bytes, signature: bytes, sha256: str) -> bool:
    """True when ``signature`` is the key's signature over the package's sha256 (64 hex digits:
    no other text, such as a proof of possession's statement, passes for one)."""
    if len(sha256) != FINGERPRINT_HEX or any(c not in string.hexdigits for c in sha256):
        return False
    return _signed(raw_public_key, signature, signed_text(sha256))


def _signed(raw_public_key: bytes, signature: bytes, text: bytes) -> bool:
    """Whether ``signature`` is the key's Ed25519 signature over ``text``."""
    try:
        Ed25519PublicKey.from_public_bytes(raw_public_key).verify(signature, text)
    except (InvalidSignature, ValueError):
        return False
    return True


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """A private key file written by ``appstore keygen`` (PEM, PKCS#8, unencrypted)."""
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except OSError as failure:
        raise BadKey("key.file-unreadable", file=str(path), error=str(failure.strerror)) from None
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, Ed25519PrivateKey):
        raise BadKey("key.file-not-ed25519", file=str(path))
    return key


def sign(key: Ed25519PrivateKey, sha256: str) -> tuple[str, str]:
    """The base64 signature over the package's sha256 and the key's fingerprint."""
    public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(key.sign(signed_text(sha256))).decode("ascii"), fingerprint(public)


def possession_statement(organisation: str, key_fingerprint: str) -> bytes:
    """What a proof of possession signs: the purpose, the registering organisation and the key."""
    return f"{POSSESSION_PURPOSE}\norganisation: {organisation}\nkey: {key_fingerprint.lower()}\n".encode()


def prove_possession(key: Ed25519PrivateKey, organisation: str) -> str:
    """The base64 proof that whoever registers ``key`` for ``organisation`` holds its private half."""
    public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(key.sign(possession_statement(organisation, fingerprint(public)))).decode("ascii")


def proves_possession(raw_public_key: bytes, proof: str, organisation: str) -> bool:
    """True when ``proof`` is the key's signature over the statement naming ``organisation``."""
    signature = decode_signature(proof)
    return signature is not None and _signed(
        raw_public_key, signature, possession_statement(organisation, fingerprint(raw_public_key)))


def public_pem(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def write_key_pair(path: Path) -> Ed25519PrivateKey:
    """Write a new private key to ``path`` (created 0600, never overwritten)."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BadKey("key.file-exists", file=str(path)) from None
    with os.fdopen(descriptor, "wb") as out:
        out.write(pem)
    return key


def _base64(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
