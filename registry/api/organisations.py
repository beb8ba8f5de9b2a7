"""Organisations: public profiles, and verification by curators."""

from __future__ import annotations

from flask import Response

from registry.api import api
from registry.api.context import answer, caller, json_body
from registry.api.models.inputs import VerificationInput
from registry.api.models.vendors import Organisation
from registry.api.spec import operation
from registry.db import request_session
from registry.services.organisation_verification import OrganisationVerification
from registry.services.organisations import OrganisationService
from registry.services.vendors import require_curator

NOT_A_CURATOR = "The token is not a curator's."


@api.get("/organisations/<org>")
@operation("getOrganisation", tag="organisations",
           summary="An organisation's public profile: kind, and whether a curator verified it.",
           answers={200: ("The profile.", Organisation)}, problems={404: "No such organisation."})
def get_organisation(org: str) -> Response:
    return answer(Organisation.of(OrganisationService(request_session()).get(org)))


@api.post("/organisations/<org>/verification")
@operation("verifyOrganisation", tag="organisations", auth="bearer", body=VerificationInput,
           summary="Curators only: mark an organisation verified after checking its OIN or KvK number.",
           answers={200: ("The organisation, now verified.", Organisation)},
           problems={400: "The identifier is malformed, fails its checks, or does not fit the kind.",
                     403: NOT_A_CURATOR, 404: "No such organisation.",
                     409: "The identifier verifies another organisation already."})
def verify_organisation(org: str) -> Response:
    who = caller()
    require_curator(who)
    identifier_type, value = json_body(VerificationInput).identifier()
    record = OrganisationVerification(request_session()).verify(org, identifier_type, value, who.actor)
    return answer(Organisation.of(record))


@api.delete("/organisations/<org>/verification")
@operation("unverifyOrganisation", tag="organisations", auth="bearer",
           summary="Curators only: withdraw an organisation's verification.", answers={204: ("Done.", None)},
           problems={403: NOT_A_CURATOR, 404: "No such organisation.", 409: "The organisation is not verified."})
def unverify_organisation(org: str) -> tuple[str, int]:
    who = caller()
    require_curator(who)
    OrganisationVerification(request_session()).withdraw(org, who.actor)
    return "", 204
