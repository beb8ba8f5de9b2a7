"""Literal credentials in the package: passwords, tokens, keys written into deploy/.

A password in a Secret, ConfigMap or container ``env`` of a package is the same
on every installation and public to everyone who downloads the release (a
chart's default ``DB_PASSWORD``). The check names the place, never the value.
Settings count as credentials by the last words of their name (``DB_PASSWORD``,
``apiKey``, ``AWS_SECRET_ACCESS_KEY``, ``client-secret``), not by a word
anywhere in it (``TOKEN_URL``, ``PASSWORD_MIN_LENGTH`` and ``SECRET_NAME`` are
settings about credentials). Empty values and values filled in at install
time (``${name}`` config placeholders, ``$(VAR)`` references, templates) are
no literals; nor are values from ``valueFrom``. Private keys in PEM form count
whatever their name.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Collection, Iterator, Mapping
from typing import Any

from plugins.kubernetes_objects import KubeObject, containers, deploy_of, pod_spec
from sdk import hookimpl
from sdk.findings import Finding, join_key
from sdk.hookspecs import VerificationContext
from sdk.package import PackageView
from sdk.profiles import PlatformProfile
from sdk.render import sample_values

PLUGIN_NAME = "credentials"
#: Last word of a credential's name.
SECRET_WORDS = frozenset({"password", "passwd", "pwd", "pass", "passphrase", "secret", "token",
                          "apikey", "secretkey", "privatekey"})
#: Last two words of a credential's name.
SECRET_PAIRS = frozenset({("api", "key"), ("secret", "key"), ("access", "key"), ("private", "key"),
                          ("auth", "key"), ("encryption", "key"), ("signing", "key"), ("master", "key"),
                          ("license", "key"), ("tls", "key")})
#: Values that stand for "not set" rather than for a credential.
NOT_CREDENTIALS = frozenset({"true", "false", "yes", "no", "none", "null", "nil", "-"})
_WORD_BREAK = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SEPARATORS = re.compile(r"[^A-Za-z0-9]+")
#: Text that is filled in later: ``${name}``, ``$(VAR)``, ``{{ .Values.x }}``.
_FILLED_LATER = re.compile(r"\$\{[^}\n]*\}|\$\([A-Za-z_][A-Za-z0-9_]*\)|\{\{[^}\n]*\}\}")
_PRIVATE_KEY = "PRIVATE KEY-----"
_MAX_NAME = 253
_MAX_VALUE = 4096


@hookimpl(trylast=True)
def appstore_verify_platform(
    package: PackageView, profile: PlatformProfile, context: VerificationContext
) -> list[Finding]:
    samples = {v for v in sample_values(package.manifest).values() if v}
    findings = []
    for obj in deploy_of(package).mappings():
        for field, name, value in settings(obj):
            kind = credential_kind(name, value, samples)
            if kind is not None:
                findings.append(_finding(obj, field, name, kind))
    return findings


def _finding(obj: KubeObject, field: str, name: str, kind: str) -> Finding:
    where = "in the container's env" if ".env[" in field else f"in this {obj.kind}"
    if kind == "private-key":
        return obj.warning("credentials.private-key", field,
                           f"`{name}` holds a private key {where}; everyone who downloads the release has "
                           "it. Leave it out and let the installation create or supply the key.")
    return obj.warning("credentials.literal", field,
                       f"`{name}` holds a literal credential {where}, the same on every installation "
                       "and readable by everyone who downloads the release; leave it out and let the "
                       "municipality supply it: a config value (`${...}`) or an existing Secret "
                       "through `valueFrom.secretKeyRef`.")


def settings(obj: KubeObject) -> Iterator[tuple[str, str, str]]:
    """(field, name, text) of Secret and ConfigMap entries and literal env values."""
    if obj.kind in ("Secret", "ConfigMap") and obj.api_version == "v1":
        for part in ("data", "stringData") if obj.kind == "Secret" else ("data",):
            entries = obj.body.get(part)
            for name, value in entries.items() if isinstance(entries, dict) else ():
                text = _decoded(value) if obj.kind == "Secret" and part == "data" else value
                if isinstance(text, str):
                    yield join_key(part, str(name)), str(name), text
    found = pod_spec(obj)
    for container in containers(*found) if found else ():
        env = container.body.get("env")
        for index, item in enumerate(env if isinstance(env, list) else []):
            if isinstance(item, Mapping) and isinstance(item.get("value"), str):
                yield container.at("env", index, "value"), str(item.get("name", "")), item["value"]


def _decoded(value: Any) -> str | None:
    """Secret ``data`` is base64; what it says, or ``None`` if it is not readable text."""
    if not isinstance(value, str):
        return None
    try:
        return base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None  # the schema check or the cluster refuses it


def credential_kind(name: str, value: str, samples: Collection[str] = ()) -> str | None:
    """``"private-key"``, ``"literal"`` or ``None`` for a setting ``name`` holding ``value``."""
    text = value.strip()
    if not text or text in samples:
        return None  # empty, or a config value filled in at install time
    if _PRIVATE_KEY in text and "-----BEGIN" in text:
        return "private-key"
    if len(text) > _MAX_VALUE:
        return None  # a file (certificate, config), not a password
    if not is_credential_name(name) or text.lower() in NOT_CREDENTIALS or _FILLED_LATER.search(text):
        return None
    return "literal"


def is_credential_name(name: str) -> bool:
    """Whether a setting called ``name`` holds a credential, judged by its last words."""
    words = [w.lower() for w in _SEPARATORS.split(_WORD_BREAK.sub("_", name[:_MAX_NAME])) if w]
    if not words:
        return False
    return words[-1] in SECRET_WORDS or tuple(words[-2:]) in SECRET_PAIRS
