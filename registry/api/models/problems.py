"""The shape of every error answer: problem+json (RFC 9457), as the Dutch API Design Rules
and the ZGW APIs use it, with ``invalidParams`` for input and ``findings`` for verification."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from registry.api.models.base import ApiModel
from registry.api.models.catalogue import Finding


class InvalidParam(ApiModel):
    name: str = Field(description="The field as a dot path (`pricing.model`, `hosting[1]`), `body` for the "
                                  "body as a whole, or the query parameter.")
    code: str = Field(description="A stable code to translate: required, unknown, type, enum, too-long, "
                                  "format, range, ...")
    reason: str = Field(description="What is wrong and what to do, in English.")


class Problem(ApiModel):
    model_config = ConfigDict(extra="allow")  # some problems say more: the existing `sha256`, the `app`

    type: str
    title: str
    status: int
    detail: str
    invalid_params: list[InvalidParam] | None = Field(None, description="Every problem with the input at once.")
    findings: list[Finding] | None = Field(None, description="Every finding of a failed verification.")
    sha256: str | None = Field(None, description="Publishing a version that exists (409): the sha256 of the "
                                                 "artifact it has, so that a client can tell a retry from a clash.")
    code: str | None = Field(None, description="A finding-like code where the problem has one, e.g. "
                                               "`content.needs-entitlement` (403).")
    app: str | None = Field(None, description="The app the problem is about, where it is not in the path.")
