"""How an app fits an environment, in words a page can show, and values added to an
environment's per-app config without touching other apps'."""

from __future__ import annotations

import pytest

from registry.models import CompatibilityRecord, Environment
from registry.services.install_advice import DOES_NOT_RUN, MISSES_POLICY, NOT_VERIFIED, RUNS, fit_of, with_values


@pytest.mark.parametrize(("runs", "meets_policy", "verdict", "failed"), [
    (True, True, RUNS, []),
    (True, False, MISSES_POLICY, ["pod-security-restricted"]),
    (False, False, DOES_NOT_RUN, []),
])
def test_the_verdict_follows_the_compatibility_record(runs: bool, meets_policy: bool, verdict: str,
                                                      failed: list[str]) -> None:
    record = CompatibilityRecord(compatible=runs and meets_policy, runs=runs, meets_policy=meets_policy,
                                 failed_policies=["pod-security-restricted"] if not meets_policy else [],
                                 profile_revision=1)
    fit = fit_of(Environment(name="test"), record)
    assert (fit.verdict, fit.failed_policies) == (verdict, failed)


def test_an_app_never_verified_on_the_profile_says_so() -> None:
    assert fit_of(Environment(name="test"), None).verdict == NOT_VERIFIED


def test_supplied_values_join_the_apps_own_and_leave_others_alone() -> None:
    reference = {"secretName": "kluis-db", "key": "password"}
    current = {"kluis": {"replicas": "3"}, "open-zaak": {"hostname": "zaken.example"}}
    merged = with_values(current, {"kluis": {"hostname": "kluis.example", "dbPassword": reference}})
    assert merged == {"kluis": {"replicas": "3", "hostname": "kluis.example", "dbPassword": reference},
                      "open-zaak": {"hostname": "zaken.example"}}
    assert current["kluis"] == {"replicas": "3"}  # the environment's own dict is not changed in place
