"""Reading YAML documents from packages: YAML 1.2, strict, bounded.

YAML 1.2 keeps ``yes`` and ``on`` strings and dates as text, which is what
authors of these files mean. Duplicate keys are an error, not a silent
overwrite.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from sdk.findings import Finding

MAX_DOCUMENT_BYTES = 1024 * 1024


def _loader() -> YAML:
    yaml = YAML(typ="safe", pure=True)
    yaml.allow_duplicate_keys = False
    return yaml


def decode_text(raw: bytes, path: str) -> tuple[str | None, list[Finding]]:
    """UTF-8 text of a document, or a finding that says how to fix the encoding."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        return None, [
            Finding.error("yaml.encoding", key=path, data={"path": path, "offset": exc.start})
        ]


def load_yaml(raw: bytes, path: str) -> tuple[Any, list[Finding]]:
    """Parse one YAML document; problems come back as findings keyed by ``path``."""
    if len(raw) > MAX_DOCUMENT_BYTES:
        return None, [
            Finding.error("yaml.too-large", key=path, data={"path": path, "limitKib": MAX_DOCUMENT_BYTES // 1024})
        ]
    text, findings = decode_text(raw, path)
    if text is None:
        return None, findings
    try:
        return _loader().load(text), []
    except YAMLError as exc:
        return None, [_syntax(path, exc)]


def load_yaml_stream(raw: bytes, path: str) -> tuple[list[Any], list[Finding]]:
    """Parse a multi-document YAML file (Kubernetes manifests); empty documents are dropped."""
    text, findings = decode_text(raw, path)
    if text is None:
        return [], findings
    try:
        return [doc for doc in _loader().load_all(text) if doc is not None], []
    except YAMLError as exc:
        return [], [_syntax(path, exc)]


def _syntax(path: str, exc: YAMLError) -> Finding:
    # The parser's own words stay English: they come from the YAML library.
    return Finding.error("yaml.syntax", key=path, data={"path": path, "problem": _brief(exc)})


def _brief(exc: YAMLError) -> str:
    """The parser's message on one line, with its position."""
    return " ".join(str(exc).split())
