"""The served OpenAPI document passes the NL API Design Rules linter (Logius'
Spectral ruleset): any error fails the test and is listed with its rule, path
and message; warnings are printed only."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.api_design_rules.linting import LinterMissing, errors, lint, others, summary
from tests.conftest import IN_CI


def test_served_document_follows_the_api_design_rules(sqlite_app: Flask) -> None:
    answer = sqlite_app.test_client().get("/api/v1/openapi.json")
    assert answer.status_code == 200
    try:
        violations = lint(answer.get_json())
    except LinterMissing as missing:
        if IN_CI:
            pytest.fail(f"{missing} (CI must run the API Design Rules linter)")
        pytest.skip(str(missing))
    if others(violations):
        print(summary(others(violations)))
    failing = errors(violations)
    if failing:
        pytest.fail(
            "The OpenAPI document breaks the API Design Rules; change the document "
            "(or the server) until the linter reports no error.\n" + summary(failing),
            pytrace=False,
        )
