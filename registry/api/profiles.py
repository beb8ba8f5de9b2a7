"""Platform profiles, read-only: curators change them with `appstore-registry profile`."""

from __future__ import annotations

from flask import Response

from registry.api import api
from registry.api.context import answer, plugins, query, store
from registry.api.models.catalogue import Affected, Finding, Impact, Profile, ProfileList
from registry.api.models.inputs import ImpactQuery
from registry.api.spec import operation
from registry.db import request_session
from registry.services.compatibility import CompatibilityService
from registry.services.profiles import ProfileService


@api.get("/profiles")
@operation("listProfiles", tag="profiles", summary="Platform profiles that releases are verified against.",
           answers={200: ("Every profile, active and retired.", ProfileList)})
def list_profiles() -> Response:
    records = ProfileService(request_session()).records()
    return answer(ProfileList(items=[Profile.of(r) for r in records], total=len(records)))


@api.get("/profiles/<profile_id>")
@operation("getProfile", tag="profiles", summary="One platform profile.",
           answers={200: ("The profile.", Profile)}, problems={404: "No such profile."})
def get_profile(profile_id: str) -> Response:
    return answer(Profile.of(ProfileService(request_session()).get(profile_id)))


@api.get("/profiles/<profile_id>/impact")
@operation("getProfileImpact", tag="profiles", query=ImpactQuery,
           summary="Apps whose latest release would stop running if the profile moved to a Kubernetes version.",
           answers={200: ("The apps that would break, with the findings that say why.", Impact)},
           problems={404: "No such profile."})
def profile_impact(profile_id: str) -> Response:
    kubernetes = query(ImpactQuery).kubernetes
    record = ProfileService(request_session()).get(profile_id)
    entries = CompatibilityService(request_session(), store(), plugins()).impact(record, kubernetes)
    return answer(Impact(profile=record.slug, kubernetes=kubernetes, total=len(entries), affected=[
        Affected(app=e.app_id, version=e.version, findings=[Finding(**f.to_dict()) for f in e.findings])
        for e in entries]))
