"""How long the S3 client waits for the object store and how often it tries a call.

``APPSTORE_S3_CONNECT_TIMEOUT``, ``APPSTORE_S3_READ_TIMEOUT`` (seconds) and
``APPSTORE_S3_MAX_ATTEMPTS`` (tries in all, the first one included). Kept apart from
``registry.s3_store`` so that reading and checking them does not import boto3.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from registry.errors import ConfigurationError


@dataclass(frozen=True)
class S3ClientSettings:
    """A dead store must fail a request in seconds, not minutes: a refused connection fails
    at once, a silent one after ``connect_timeout``, a stalled answer after ``read_timeout``,
    and each call is tried ``max_attempts`` times in all (with botocore's short, jittered
    back-off in between)."""

    connect_timeout: float = 2.0
    read_timeout: float = 20.0
    max_attempts: int = 3

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> S3ClientSettings:
        return cls(connect_timeout=float(config["S3_CONNECT_TIMEOUT"]),
                   read_timeout=float(config["S3_READ_TIMEOUT"]), max_attempts=int(config["S3_MAX_ATTEMPTS"]))


#: What a client is given when the registry's settings are not at hand (tools, benchmarks).
S3_DEFAULTS = S3ClientSettings()

#: Setting: (lowest, highest, what it is). Beyond these a registry would hang on a dead store
#: for minutes (or give up on a live one at once), so they stop the start instead.
BOUNDS: dict[str, tuple[float, float, str]] = {
    "S3_CONNECT_TIMEOUT": (0.1, 60, "seconds to wait for a connection to the object store"),
    "S3_READ_TIMEOUT": (1, 600, "seconds to wait for the object store's next bytes"),
    "S3_MAX_ATTEMPTS": (1, 10, "tries of each call to the object store in all, the first included"),
}


def check(config: Mapping[str, Any]) -> None:
    """Refuse a value out of its bounds (or of the wrong kind, from a file or a test), naming the setting."""
    for name, (lowest, highest, what) in BOUNDS.items():
        value = config[name]
        whole = name == "S3_MAX_ATTEMPTS"
        kinds = (int,) if whole else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds) or not lowest <= value <= highest:
            default = getattr(S3ClientSettings, name.removeprefix("S3_").lower())
            raise ConfigurationError(f"APPSTORE_{name}={value!r}: give {'a whole number' if whole else 'a number'} "
                                     f"of {what}, {lowest:g} to {highest:g} (default {default})")
