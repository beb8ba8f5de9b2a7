"""Platform profiles, read-only: curators change them with `appstore-registry profile`."""

from __future__ import annotations

from flask import Response, jsonify, request

from registry.api import api
from registry.api import serialise as out
from registry.api.context import plugins, store
from registry.db import request_session
from registry.errors import RegistryError
from registry.services.compatibility import CompatibilityService
from registry.services.profiles import ProfileService
from sdk.profiles import is_minor_version


@api.get("/profiles")
def list_profiles() -> Response:
    records = ProfileService(request_session()).records()
    return jsonify({"items": [out.profile(r) for r in records], "total": len(records)})


@api.get("/profiles/<profile_id>")
def get_profile(profile_id: str) -> Response:
    return jsonify(out.profile(ProfileService(request_session()).get(profile_id)))


@api.get("/profiles/<profile_id>/impact")
def profile_impact(profile_id: str) -> Response:
    kubernetes = request.args.get("kubernetes", "")
    if not is_minor_version(kubernetes):
        raise RegistryError("Give the Kubernetes minor version to move to, e.g. `?kubernetes=1.38`.")
    record = ProfileService(request_session()).get(profile_id)
    entries = CompatibilityService(request_session(), store(), plugins()).impact(record, kubernetes)
    return jsonify({
        "profile": record.slug,
        "kubernetes": kubernetes,
        "affected": [
            {"app": e.app_id, "version": e.version, "findings": [f.to_dict() for f in e.findings]}
            for e in entries
        ],
        "total": len(entries),
    })
