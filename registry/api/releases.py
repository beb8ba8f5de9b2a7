"""Releases: publish, read, download, yank."""

from __future__ import annotations

from flask import Response, request

from registry.api import api
from registry.api.context import answer, caller, json_body, plugins, publish_service
from registry.api.delivery import send_blob
from registry.api.models.catalogue import Release
from registry.api.models.inputs import YankInput
from registry.api.spec import Answer, operation
from registry.db import request_session
from registry.errors import InvalidInput
from registry.services.catalogue import CatalogueService
from registry.services.download_log import PACKAGE
from registry.services.package_content import PackageContent
from registry.services.publisher_keys import SignatureClaim
from registry.services.yanking import YankService
from sdk.problems import InvalidParam

PACKAGE_FIELD = "package"
SIGNATURE_FIELD, SIGNATURE_KEY_FIELD = "signature", "signatureKey"


@api.post("/releases")
@operation("publishRelease", tag="catalogue", auth="bearer", upload=PACKAGE_FIELD,
           summary="Publish a release: upload a package; every check runs before it is stored.",
           answers={201: Answer("The release, with all its findings.", Release, headers=("Location",))},
           problems={403: "The token's organisation may not publish this app.",
                     409: "The version exists or existed; `sha256` names the existing artifact.",
                     422: "Verification failed; `findings` holds every finding (among them `identity.lookalike-id` "
                          "and `identity.lookalike-name`: the id or name cannot be told apart from another "
                          "organisation's app; `signature.invalid` and `signature.unknown-key`: the optional "
                          "form fields `signature` (base64 Ed25519 over the package's sha256 as hex text) and "
                          "`signatureKey` (the key's fingerprint) do not check out)."})
def publish_release() -> Response:
    who = caller()
    upload = request.files.get(PACKAGE_FIELD)
    if upload is None:
        raise InvalidInput([InvalidParam(PACKAGE_FIELD, "required",
                                         "Send the package as the multipart form field `package`.")])
    release = Release.of(publish_service().publish(upload.stream, upload.filename or "package.tar.gz", who,
                                                   _signature_claim()))
    return answer(release, 201, {"Location": release.links["self"]})


@api.get("/apps/<app_id>/releases/<version>")
@operation("getRelease", tag="catalogue", summary="A release: manifest, sha256, status, findings, compatibility.",
           answers={200: ("The release.", Release)}, problems={404: "No such release."})
def get_release(app_id: str, version: str) -> Response:
    return answer(Release.of(CatalogueService(request_session()).release(app_id, version)))


@api.get("/apps/<app_id>/releases/<version>/package")
@operation("downloadPackage", tag="catalogue", auth="optional", headers=("If-None-Match",),
           summary="The package archive; a commercial module needs an entitled token.",
           answers={200: Answer("The package archive; `Digest` carries its sha256.", media_type="application/gzip",
                                headers=("ETag", "Digest", "Repr-Digest")),
                    304: Answer("Not modified.", media_type="", headers=("ETag",))},
           problems={401: "A commercial module needs a token; or the token is unknown or revoked.",
                     403: "A commercial module needs an entitlement.", 404: "No such release."})
def download_package(app_id: str, version: str) -> Response:
    release = CatalogueService(request_session()).release(app_id, version)
    admission = PackageContent(request_session()).admit(release, _optional_caller(), PACKAGE)
    return send_blob(admission, release.artifact_sha256, "application/gzip", download_name=release.artifact.filename)


@api.post("/apps/<app_id>/releases/<version>/yank")
@operation("yankRelease", tag="catalogue", auth="bearer", body=YankInput,
           summary="Yank a release: it stays downloadable, but no install plan chooses it.",
           answers={200: ("The yanked release.", Release)},
           problems={403: "Only the publisher may yank.", 404: "No such release.", 409: "Yanked already."})
def yank_release(app_id: str, version: str) -> Response:
    who = caller()
    reason = json_body(YankInput).reason
    return answer(Release.of(YankService(request_session(), plugins()).yank(app_id, version, reason, who)))


def _signature_claim() -> SignatureClaim | None:
    """The publisher's signature sent with the package: both fields, or neither."""
    signature, key = request.form.get(SIGNATURE_FIELD), request.form.get(SIGNATURE_KEY_FIELD)
    if not signature and not key:
        return None
    if not signature or not key:
        missing = SIGNATURE_KEY_FIELD if signature else SIGNATURE_FIELD
        raise InvalidInput([InvalidParam(missing, "required", f"A signed publish sends both `{SIGNATURE_FIELD}` "
                                                              f"and `{SIGNATURE_KEY_FIELD}`.")])
    return SignatureClaim(signature=signature, key=key)


def _optional_caller():  # type: ignore[no-untyped-def]
    return caller() if request.headers.get("Authorization") else None
