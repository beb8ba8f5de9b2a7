"""An organisation's keys for signing its releases: only its own token lists, adds or revokes them."""

from __future__ import annotations

from flask import Response

from registry.api import api
from registry.api.context import answer, caller, json_body
from registry.api.models.publisher_keys import NewPublisherKey, PublisherKey, PublisherKeyList
from registry.api.spec import operation
from registry.db import request_session
from registry.services.environments import own_organisation
from registry.services.publisher_keys import PublisherKeyService

OWN = {403: "The token belongs to another organisation.", 404: "No such organisation."}
OWN_KEY = {**OWN, 404: "No such organisation or key."}


@api.get("/organisations/<org>/keys")
@operation("listPublisherKeys", tag="organisations", auth="bearer",
           summary="The organisation's signing keys, revoked ones included.",
           answers={200: ("The keys.", PublisherKeyList)}, problems=OWN)
def list_publisher_keys(org: str) -> Response:
    organisation = own_organisation(request_session(), org, caller())
    items = PublisherKeyService(request_session()).list(organisation)
    return answer(PublisherKeyList(items=[PublisherKey.of(k) for k in items], total=len(items)))


@api.post("/organisations/<org>/keys")
@operation("addPublisherKey", tag="organisations", auth="bearer", body=NewPublisherKey,
           summary="Register an Ed25519 public key, with proof of holding its private key; releases signed "
                   "with it read as signed by the organisation.",
           answers={201: ("The registered key.", PublisherKey)},
           problems={**OWN, 400: "The body or the key is invalid, or `proof` is not the key's signature over the "
                                     "statement naming this organisation (code `publisher-key.unproven`); "
                                     "`invalidParams` says why.",
                     409: "The key is registered already, or the organisation has the most keys it may."})
def add_publisher_key(org: str) -> Response:
    who = caller()
    organisation = own_organisation(request_session(), org, who)
    wanted = json_body(NewPublisherKey)
    key = PublisherKey.of(PublisherKeyService(request_session()).add(
        organisation, wanted.public_key, wanted.proof, wanted.label, who.actor))
    return answer(key, 201, {"Location": key.links["self"]})


@api.get("/organisations/<org>/keys/<fingerprint>")
@operation("getPublisherKey", tag="organisations", auth="bearer", summary="One signing key.",
           answers={200: ("The key.", PublisherKey)}, problems=OWN_KEY)
def get_publisher_key(org: str, fingerprint: str) -> Response:
    organisation = own_organisation(request_session(), org, caller())
    return answer(PublisherKey.of(PublisherKeyService(request_session()).get(organisation, fingerprint)))


@api.post("/organisations/<org>/keys/<fingerprint>/revocation")
@operation("revokePublisherKey", tag="organisations", auth="bearer",
           summary="Revoke a key: it signs nothing more, and the releases it signed are flagged, not removed.",
           answers={200: ("The revoked key.", PublisherKey)}, problems=OWN_KEY)
def revoke_publisher_key(org: str, fingerprint: str) -> Response:
    who = caller()
    organisation = own_organisation(request_session(), org, who)
    return answer(PublisherKey.of(PublisherKeyService(request_session()).revoke(organisation, fingerprint, who.actor)))
