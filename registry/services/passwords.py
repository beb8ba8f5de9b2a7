"""Password hashes: argon2id, with the costs an app instance's settings choose.

The default is argon2-cffi's RFC 9106 low-memory profile (64 MiB, 3 passes), as
``PasswordHasher()`` gives. ``cheapest-for-tests`` makes a hash cost microseconds
instead of a large fraction of a second, so that a test suite creating hundreds of
people stays fast; it protects nothing and is never for a real registry.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from registry.errors import RegistryError

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # argon2 takes any length; this only bounds the work per request

#: The settings' names (``PASSWORD_HASH_PROFILE``) for argon2-cffi's parameter profiles.
PROFILES = {
    "rfc9106-low-memory": profiles.RFC_9106_LOW_MEMORY,
    "rfc9106-high-memory": profiles.RFC_9106_HIGH_MEMORY,
    "cheapest-for-tests": profiles.CHEAPEST,
}
DEFAULT_PROFILE = "rfc9106-low-memory"


class Passwords:
    """Hashing and checking passwords with one hasher."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self.hasher = hasher or PasswordHasher()
        self._dummy_hash = ""

    def hash(self, password: str) -> str:
        """The hash to keep of a new password; refuses one that is too short or too long."""
        if len(password) < MIN_PASSWORD_LENGTH:
            raise RegistryError(f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters.")
        if len(password) > MAX_PASSWORD_LENGTH:
            raise RegistryError(f"Choose a password of at most {MAX_PASSWORD_LENGTH} characters.")
        return self.hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether ``password`` is the one hashed. ``None`` (no such account) is checked
        against a dummy hash all the same, so that the answer takes as long as for a real
        account and does not tell which addresses are known."""
        if len(password) > MAX_PASSWORD_LENGTH:
            return False
        try:
            return self.hasher.verify(password_hash or self._dummy(), password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether a hash was made with other costs than this hasher's (it is then redone at sign-in)."""
        return self.hasher.check_needs_rehash(password_hash)

    def _dummy(self) -> str:
        if not self._dummy_hash:
            self._dummy_hash = self.hasher.hash("not a password of anyone")
        return self._dummy_hash


@cache
def passwords_for(profile: str = DEFAULT_PROFILE) -> Passwords:
    """The passwords of a profile named in PROFILES; one per profile, so the dummy hash is made once."""
    if profile not in PROFILES:
        raise RegistryError(f"Unknown password hash profile {profile!r}; choose one of {', '.join(PROFILES)}.")
    return Passwords(PasswordHasher.from_parameters(PROFILES[profile]))
