"""Platform profile files: the loader and the shipped Haven profile."""

from __future__ import annotations

from datetime import date

import pytest

from plugins import kubernetes_schema_store as store
from sdk.errors import AppstoreError
from sdk.profiles import PolicyBinding, default_profiles, load_profile

PROFILE = """\
profileVersion: 1
id: gemeente-cloud
name: Gemeentecloud
kubernetes: ["1.33", "1.34"]
storage:
  accessModes: [ReadWriteOnce, ReadWriteMany]
  classes: [standaard]
services: [postgresql, redis]
customResources: [cert-manager.io/v1/Certificate]
policies:
  - check: pod-security
    bindingFrom: "2027-01-01"
"""


def test_loads_every_field() -> None:
    profile = load_profile(PROFILE)
    assert profile.id == "gemeente-cloud" and profile.name == "Gemeentecloud"
    assert profile.kubernetes_versions == ("1.33", "1.34")
    assert profile.storage_classes == ("standaard",)
    assert profile.services == ("postgresql", "redis")
    assert profile.custom_kinds == ("cert-manager.io/v1/Certificate",)
    assert profile.policies == (PolicyBinding("pod-security", date(2027, 1, 1)),)


def test_unquoted_version_is_refused_with_advice() -> None:
    with pytest.raises(AppstoreError) as raised:
        load_profile(PROFILE.replace('["1.33", "1.34"]', "[1.30]"))
    assert "must be quoted" in str(raised.value)


def test_every_problem_is_listed_at_once() -> None:
    bad = PROFILE.replace("id: gemeente-cloud", "id: Gemeente Cloud").replace(
        "ReadWriteMany]", "ReadWriteSome]").replace('"2027-01-01"', "soon").replace(
        "services:", "extra: 1\nservices:")
    with pytest.raises(AppstoreError) as raised:
        load_profile(bad.encode())
    message = str(raised.value)
    for part in ("`id`", "storage.accessModes[1]", "policies[0].bindingFrom", "`extra`"):
        assert part in message


def test_schema_checks_cannot_be_postponed() -> None:
    with pytest.raises(AppstoreError, match="always binding"):
        load_profile(PROFILE.replace("check: pod-security", "check: kubernetes.schema"))


@pytest.mark.parametrize("raw", ["", "- a list\n", "id: [unclosed\n"])
def test_files_that_are_no_profile(raw: str) -> None:
    with pytest.raises(AppstoreError):
        load_profile(raw)


def test_haven_profile_ships_with_the_sdk() -> None:
    (haven,) = [p for p in default_profiles() if p.id == "haven"]
    assert len(haven.kubernetes_versions) == 4  # the newest and the three before it
    assert "ReadWriteMany" in haven.storage_access_modes
    assert {"https-certificates", "metrics", "log-aggregation"} <= set(haven.services)
    # Every version the profile names has schemas installed.
    assert all(store.schema_version(v) == v for v in haven.kubernetes_versions)


def test_pod_security_level_and_operators() -> None:
    profile = load_profile(PROFILE + "podSecurity: baseline\noperators: [cert-manager, cloudnative-pg]\n")
    assert profile.pod_security == "baseline"
    assert profile.operators == ("cert-manager", "cloudnative-pg")
    assert load_profile(PROFILE).pod_security == "restricted"  # the default when left out


def test_unknown_pod_security_level_is_refused() -> None:
    with pytest.raises(AppstoreError, match="`podSecurity` must be one of privileged, baseline, restricted"):
        load_profile(PROFILE + "podSecurity: strict\n")


def test_shipped_profiles_state_their_pod_security_level() -> None:
    for profile in default_profiles():
        assert profile.pod_security in ("baseline", "restricted")
    (haven,) = [p for p in default_profiles() if p.id == "haven"]
    assert haven.pod_security == "restricted" and haven.operators == ()
