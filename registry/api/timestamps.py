"""Moments in API answers: ISO 8601 in UTC, with a ``Z``."""

from __future__ import annotations

from datetime import UTC, datetime


def timestamp(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
