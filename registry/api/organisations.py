"""Organisations: public profiles, and verification by curators."""

from __future__ import annotations

from flask import Response, jsonify, request

from registry.api import api
from registry.api import serialise_vendors as out
from registry.api.context import caller
from registry.db import request_session
from registry.errors import RegistryError
from registry.services.identifiers import IDENTIFIER_TYPES
from registry.services.organisation_verification import OrganisationVerification
from registry.services.organisations import OrganisationService
from registry.services.vendors import require_curator

VERIFICATION_EXAMPLE = '{"oin": "00000001002564440000"} or {"kvk": "69599084"}'


@api.get("/organisations/<org>")
def get_organisation(org: str) -> Response:
    return jsonify(out.organisation(OrganisationService(request_session()).get(org)))


@api.post("/organisations/<org>/verification")
def verify_organisation(org: str) -> Response:
    who = caller()
    require_curator(who)
    identifier_type, value = _identifier(request.get_json(silent=True))
    record = OrganisationVerification(request_session()).verify(org, identifier_type, value, who.actor)
    return jsonify(out.organisation(record))


@api.delete("/organisations/<org>/verification")
def unverify_organisation(org: str) -> tuple[str, int]:
    who = caller()
    require_curator(who)
    OrganisationVerification(request_session()).withdraw(org, who.actor)
    return "", 204


def _identifier(body: object) -> tuple[str, str]:
    if not isinstance(body, dict) or len(body) != 1:
        raise RegistryError(f"Send exactly one identifier as JSON: {VERIFICATION_EXAMPLE}.")
    (identifier_type, value), = body.items()
    if identifier_type not in IDENTIFIER_TYPES or not isinstance(value, str):
        raise RegistryError(f"Send exactly one identifier as JSON: {VERIFICATION_EXAMPLE}.")
    return identifier_type, value
