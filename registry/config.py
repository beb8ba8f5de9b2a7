"""Configuration: defaults, an optional instance file, ``APPSTORE_*`` environment, test overrides."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from flask import Config

from registry import s3_settings
from registry.errors import ConfigurationError
from registry.services.passwords import DEFAULT_PROFILE, PROFILES
from registry.services.webhooks.addresses import AllowList

MIB = 1024 * 1024


class Defaults:
    """Settings every registry starts from."""

    DATA_DIR = "instance"
    DATABASE_URL = ""  # empty: SQLite in the data dir
    STORAGE_URL = ""  # empty: content-addressed files in the data dir
    DOWNLOAD_REDIRECT = "stream"  # or "presigned": open content from an S3 store by a short-lived address
    DOWNLOAD_URL_SECONDS = 300  # how long such an address works
    # How the S3 client waits and retries (registry.s3_settings; README: When the object store ... is away).
    S3_CONNECT_TIMEOUT = s3_settings.S3ClientSettings.connect_timeout
    S3_READ_TIMEOUT = s3_settings.S3ClientSettings.read_timeout
    S3_MAX_ATTEMPTS = s3_settings.S3ClientSettings.max_attempts
    MAX_UPLOAD_BYTES = 20 * MIB
    ARCHIVE_MAX_MEMBERS = 2000
    ARCHIVE_MAX_UNPACKED_BYTES = 50 * MIB
    ARCHIVE_MAX_RATIO = 50.0
    # Work per upload (sdk.budget): Kubernetes documents, findings kept per code, seconds.
    VERIFY_MAX_DOCUMENTS = 1000
    VERIFY_MAX_FINDINGS_PER_CODE = 25
    VERIFY_TIME_BUDGET_SECONDS = 20.0
    SQLITE_BUSY_TIMEOUT_MS = 30_000
    PAGE_SIZE_DEFAULT = 20
    PAGE_SIZE_MAX = 100
    # Lists and searches: how long clients and proxies may keep an answer before they revalidate
    # it (seconds), and how many bytes of answers each worker keeps by their ETag (0: none).
    CATALOGUE_MAX_AGE = 10
    CATALOGUE_CACHE_BYTES = 8 * MIB
    LOAD_INSTALLED_PLUGINS = True
    PUBLIC_URL = ""  # e.g. https://appstore.example; empty: from the request (development and tests only)
    TRUSTED_PROXIES = 0  # how many proxies in front set X-Forwarded-For and -Proto
    SESSION_IDLE_MINUTES = 120
    SESSION_LIFETIME_HOURS = 12
    SIGN_IN_LIMIT_PER_ACCOUNT_ADDRESS = 5
    SIGN_IN_LIMIT_PER_ADDRESS = 30
    SIGN_IN_WINDOW_MINUTES = 15
    # argon2 costs of password hashes (registry.services.passwords.PROFILES); tests choose the cheapest.
    PASSWORD_HASH_PROFILE = DEFAULT_PROFILE
    # How slowly a client may send a request before `serve` hangs up (README: Serving in production).
    SERVE_HEADER_TIMEOUT = 10.0  # seconds from a request's first byte to the end of its headers
    SERVE_BODY_TIMEOUT = 20.0  # seconds a request body may pause
    SERVE_MIN_UPLOAD_RATE = 10 * 1024  # bytes per second, on average over the body ...
    SERVE_UPLOAD_GRACE = 10.0  # ... once it has been coming in for this many seconds
    LOG_FORMAT = "text"  # or "json": one object per line with the request id, for log collectors
    METRICS = 0  # 1: serve Prometheus metrics at /metrics (README: Metrics and logs)
    TUF_KEY_DIR = ""  # empty: <data dir>/tuf-keys (README: Signed metadata)
    # Webhooks (README: Webhooks): which addresses may be called, and how deliveries are retried.
    WEBHOOK_ALLOW = "public"
    WEBHOOK_MAX_ATTEMPTS = 10
    WEBHOOK_BACKOFF_SECONDS = 30.0  # the first retry's wait; it doubles (with jitter) up to six hours
    WEBHOOK_TIMEOUT_SECONDS = 10.0


#: Environment variables that configure the registry, with their types.
ENVIRONMENT = {
    "DATA_DIR": str,
    "DATABASE_URL": str,
    "STORAGE_URL": str,
    "DOWNLOAD_REDIRECT": str,
    "DOWNLOAD_URL_SECONDS": int,
    "S3_CONNECT_TIMEOUT": float,
    "S3_READ_TIMEOUT": float,
    "S3_MAX_ATTEMPTS": int,
    "MAX_UPLOAD_BYTES": int,
    "ARCHIVE_MAX_MEMBERS": int,
    "ARCHIVE_MAX_UNPACKED_BYTES": int,
    "ARCHIVE_MAX_RATIO": float,
    "VERIFY_MAX_DOCUMENTS": int,
    "VERIFY_MAX_FINDINGS_PER_CODE": int,
    "VERIFY_TIME_BUDGET_SECONDS": float,
    "CATALOGUE_MAX_AGE": int,
    "CATALOGUE_CACHE_BYTES": int,
    "PUBLIC_URL": str,
    "SECRET_KEY": str,
    "TRUSTED_PROXIES": int,
    "SESSION_IDLE_MINUTES": int,
    "SESSION_LIFETIME_HOURS": int,
    "SIGN_IN_LIMIT_PER_ACCOUNT_ADDRESS": int,
    "SIGN_IN_LIMIT_PER_ADDRESS": int,
    "SIGN_IN_WINDOW_MINUTES": int,
    "PASSWORD_HASH_PROFILE": str,
    "SERVE_HEADER_TIMEOUT": float,
    "SERVE_BODY_TIMEOUT": float,
    "SERVE_MIN_UPLOAD_RATE": int,
    "SERVE_UPLOAD_GRACE": float,
    "LOG_FORMAT": str,
    "METRICS": int,
    "TUF_KEY_DIR": str,
    "WEBHOOK_ALLOW": str,
    "WEBHOOK_MAX_ATTEMPTS": int,
    "WEBHOOK_BACKOFF_SECONDS": float,
    "WEBHOOK_TIMEOUT_SECONDS": float,
}
MAX_TRUSTED_PROXIES = 10
DOWNLOAD_REDIRECTS = ("stream", "presigned")
MAX_DOWNLOAD_URL_SECONDS = 3600  # an address anyone may use: short-lived
PREFIX = "APPSTORE"
_KIND_WORDS = {int: "whole number", float: "number"}


def load_environment(config: Config) -> None:
    """Settings given as ``APPSTORE_<NAME>`` environment variables, through Flask's own
    prefixed loading. Values are taken as text and typed here, so that a secret key of
    digits stays text and a bad number gets a message that names its variable."""
    before = set(config)
    config.from_prefixed_env(PREFIX, loads=str)
    for name in set(config) - before - set(ENVIRONMENT):
        config.pop(name)  # APPSTORE_TOKEN and friends belong to the `appstore` command, not to the server
    for name, kind in ENVIRONMENT.items():
        value = config.get(name)
        if value == "":
            config[name] = getattr(Defaults, name, "")  # set but empty: as if not set
        elif isinstance(value, str) and kind is not str:
            config[name] = _typed(name, value, kind)


def _typed(name: str, value: str, kind: type) -> Any:
    try:
        return kind(value.strip())
    except ValueError:
        raise ConfigurationError(f"{PREFIX}_{name}={value!r} is not a valid {_KIND_WORDS[kind]}; "
                                 f"give one such as {getattr(Defaults, name)!r}") from None


def check(config: dict[str, Any]) -> None:
    """Refuse settings that would quietly do the wrong thing, saying how to fix them."""
    config["PUBLIC_URL"] = public_url(config.get("PUBLIC_URL") or "")
    if config["LOG_FORMAT"] not in ("text", "json"):
        raise ConfigurationError(f"APPSTORE_LOG_FORMAT={config['LOG_FORMAT']!r}: give text (for people) "
                                 "or json (for a log collector)")
    proxies = config["TRUSTED_PROXIES"]
    if not isinstance(proxies, int) or not 0 <= proxies <= MAX_TRUSTED_PROXIES:
        raise ConfigurationError(f"APPSTORE_TRUSTED_PROXIES={proxies!r}: give the number of proxies in front of the "
                         f"registry, 0 to {MAX_TRUSTED_PROXIES} (0 when clients connect directly)")
    for name in ("SESSION_IDLE_MINUTES", "SESSION_LIFETIME_HOURS", "SIGN_IN_LIMIT_PER_ACCOUNT_ADDRESS",
                 "SIGN_IN_LIMIT_PER_ADDRESS", "SIGN_IN_WINDOW_MINUTES"):
        if not isinstance(config[name], int) or config[name] < 1:
            raise ConfigurationError(f"APPSTORE_{name}={config[name]!r}: give a whole number of at least 1")
    check_downloads(config)
    s3_settings.check(config)
    check_webhooks(config)
    for name in ("CATALOGUE_MAX_AGE", "CATALOGUE_CACHE_BYTES"):
        if not isinstance(config[name], int) or config[name] < 0:
            raise ConfigurationError(f"APPSTORE_{name}={config[name]!r}: give a whole number, 0 or more")
    if config["PASSWORD_HASH_PROFILE"] not in PROFILES:
        raise ConfigurationError(f"APPSTORE_PASSWORD_HASH_PROFILE={config['PASSWORD_HASH_PROFILE']!r}: give one of "
                                 f"{', '.join(PROFILES)} (the default, {DEFAULT_PROFILE}, for a real registry)")


def check_downloads(config: dict[str, Any]) -> None:
    """Presigned downloads need a store that makes such addresses, and a short lifetime."""
    redirect = config["DOWNLOAD_REDIRECT"]
    if redirect not in DOWNLOAD_REDIRECTS:
        raise ConfigurationError(f"APPSTORE_DOWNLOAD_REDIRECT={redirect!r}: give stream (the registry sends every "
                                 "download) or presigned (open content from an S3 store by a short-lived address)")
    if redirect == "presigned" and urlsplit(config.get("STORAGE_URL") or "").scheme != "s3":
        raise ConfigurationError("APPSTORE_DOWNLOAD_REDIRECT=presigned needs an S3 store: set APPSTORE_STORAGE_URL "
                                 "to s3://bucket/prefix, or APPSTORE_DOWNLOAD_REDIRECT to stream")
    seconds = config["DOWNLOAD_URL_SECONDS"]
    if not isinstance(seconds, int) or not 1 <= seconds <= MAX_DOWNLOAD_URL_SECONDS:
        raise ConfigurationError(f"APPSTORE_DOWNLOAD_URL_SECONDS={seconds!r}: give how many seconds a download "
                                 f"address works, 1 to {MAX_DOWNLOAD_URL_SECONDS} (default 300)")


def check_webhooks(config: dict[str, Any]) -> None:
    AllowList.parse(config["WEBHOOK_ALLOW"])  # syntax only; a bad entry stops the start
    if not isinstance(config["WEBHOOK_MAX_ATTEMPTS"], int) or not 1 <= config["WEBHOOK_MAX_ATTEMPTS"] <= 50:
        raise ConfigurationError(f"APPSTORE_WEBHOOK_MAX_ATTEMPTS={config['WEBHOOK_MAX_ATTEMPTS']!r}: give 1 to 50")
    for name in ("WEBHOOK_BACKOFF_SECONDS", "WEBHOOK_TIMEOUT_SECONDS"):
        if not 0 < config[name] <= 3600:
            raise ConfigurationError(f"APPSTORE_{name}={config[name]!r}: give a number of seconds above 0, "
                                     "at most 3600")


def public_url(value: str) -> str:
    """The registry's address as people reach it, without a trailing slash; empty stays empty."""
    if not value:
        return ""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment \
            or parts.username is not None or parts.password is not None:
        raise ConfigurationError(f"APPSTORE_PUBLIC_URL={value!r}: give the address people use, such as "
                         "https://appstore.gemeente.example (http or https, a host, optionally a path)")
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def resolve_paths(config: dict[str, Any]) -> None:
    """Fill in the defaults that depend on the data dir."""
    data_dir = Path(config["DATA_DIR"]).resolve()
    config["DATA_DIR"] = str(data_dir)
    if not config.get("DATABASE_URL"):
        config["DATABASE_URL"] = f"sqlite:///{data_dir / 'registry.db'}"
    if not config.get("STORAGE_URL"):
        config["STORAGE_URL"] = f"file://{data_dir / 'artifacts'}"
    if not config.get("TUF_KEY_DIR"):
        config["TUF_KEY_DIR"] = str(data_dir / "tuf-keys")
