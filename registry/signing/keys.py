"""The signing keys of the TUF roles: files in a key folder, or environment variables.

Each role has one Ed25519 key, a PEM (PKCS#8) file ``<role>.pem`` created 0600
in ``APPSTORE_TUF_KEY_DIR`` (default ``<data dir>/tuf-keys``), or the PEM text
in ``APPSTORE_TUF_KEY_<ROLE>`` (for a platform's Secrets), which wins over the
file. The root key is needed only by ``tuf init`` and ``tuf rotate``, which
take its path, so it can live offline; the server signs with the other three.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from securesystemslib.signer import CryptoSigner

from registry.errors import ConfigurationError
from registry.private_files import FILE_MODE, private_directory
from registry.signing import ROLES

ENV_PREFIX = "APPSTORE_TUF_KEY_"
MAX_KEY_BYTES = 16 * 1024


class KeyDirectory:
    """Where the role keys are found and new ones are written."""

    def __init__(self, folder: Path, environ: Mapping[str, str] | None = None) -> None:
        self.folder = folder
        self.environ = os.environ if environ is None else environ

    def path(self, role: str) -> Path:
        return self.folder / f"{_known(role)}.pem"

    def has(self, role: str) -> bool:
        return self.from_environment(role) or self.path(role).is_file()

    def from_environment(self, role: str) -> bool:
        """Whether ``role``'s key comes from its environment variable (which wins over the file)."""
        return bool(self.environ.get(ENV_PREFIX + _known(role).upper()))

    def signer(self, role: str, path: Path | None = None) -> CryptoSigner:
        """The signer of ``role``: from ``path`` when given, else its variable, else its file."""
        text = None if path else self.environ.get(ENV_PREFIX + _known(role).upper())
        if text:
            return _load(text.encode(), f"{ENV_PREFIX}{role.upper()}")
        source = path or self.path(role)
        try:
            with source.open("rb") as handle:
                return _load(handle.read(MAX_KEY_BYTES + 1), str(source))
        except FileNotFoundError:
            raise ConfigurationError(
                f"No {role} key: {source} is missing and {ENV_PREFIX}{role.upper()} is not set. "
                "Run `appstore-registry tuf init` once, or give the key the registry was set up with."
            ) from None

    def create(self, role: str, path: Path | None = None) -> CryptoSigner:
        """A new Ed25519 key for ``role``, written 0600 to ``path`` (default its file);
        never over an existing file."""
        target = path or self.path(role)
        private_directory(target.parent)
        signer = CryptoSigner(Ed25519PrivateKey.generate())
        try:
            descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        except FileExistsError:
            raise ConfigurationError(f"{target} exists already; move it away first, or rotate the "
                                     f"key with `appstore-registry tuf rotate {role}`.") from None
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(signer.private_bytes)
        return signer

    def replace(self, role: str, path: Path | None = None) -> CryptoSigner:
        """A new key for ``role`` in place of the old file (kept beside it as ``.old``)."""
        target = path or self.path(role)
        if target.exists():
            os.replace(target, target.with_name(target.name + ".old"))
        return self.create(role, target)


def _known(role: str) -> str:
    if role not in ROLES:
        raise ConfigurationError(f"{role!r} is no TUF role; give one of {', '.join(ROLES)}.")
    return role


def _load(pem: bytes, source: str) -> CryptoSigner:
    if len(pem) > MAX_KEY_BYTES:
        raise ConfigurationError(f"{source} is too large for a key; give a PEM private key.")
    try:
        key = load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as error:
        raise ConfigurationError(f"{source} holds no unencrypted PEM private key ({error}).") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigurationError(f"{source} is not an Ed25519 key; make keys with `appstore-registry tuf init`.")
    return CryptoSigner(key)
