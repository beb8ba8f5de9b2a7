"""The profiles' ``requireSignedReleasesFrom`` policy, judged where only the registry can:
it alone knows whether a publisher's signature was sent and checked.

An unsigned release published on or after a profile's date gets a binding
policy error on that profile (`signature.required`): it may still run there,
but it does not meet the profile's policy. Reverifying judges again, so a
release whose key was revoked since no longer meets it either.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from registry.models import Release
from sdk.findings import Finding, Kind, Severity, sorted_findings
from sdk.profiles import PlatformProfile
from sdk.verification import Compatibility

POLICY = "signature"


def with_signature_policy(results: list[Compatibility], profiles: dict[str, PlatformProfile], signed: bool,
                          published_on: date) -> list[Compatibility]:
    """``results`` with the signature policy of each profile applied to this release."""
    return [_judged(result, profiles[result.profile], signed, published_on) if result.profile in profiles else result
            for result in results]


def validly_signed(release: Release) -> bool:
    """Whether the release carries its publisher's signature with a key that is not revoked."""
    signature = getattr(release, "signature", None)
    return signature is not None and signature.key.revoked_at is None


def _judged(result: Compatibility, profile: PlatformProfile, signed: bool, published_on: date) -> Compatibility:
    required_from = profile.require_signed_releases_from
    if signed or required_from is None or published_on < required_from:
        return result
    finding = Finding(
        "signature.required", Severity.ERROR,
        f"{profile.name} requires releases published from {required_from.isoformat()} on to be signed by "
        "their publisher. Register a key for your organisation and publish with `appstore publish --sign KEYFILE`.",
        kind=Kind.POLICY, data={"profile": profile.name, "from": required_from.isoformat()})
    return replace(result, meets_policy=False, findings=tuple(sorted_findings([*result.findings, finding])),
                   failed_policies=tuple(dict.fromkeys([*result.failed_policies, POLICY])))
