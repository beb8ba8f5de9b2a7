"""A small board for the initiative tests: three municipalities, a cooperation, a vendor, a curator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import add_organisation

BOARD = "/api/v1/initiatives"
#: Who calls, by role in these tests, and the kind of organisation behind it.
ORGANISATIONS = {"utrecht": "municipality", "zeist": "municipality", "bunnik": "municipality",
                 "dimpact": "cooperation", "acme": "vendor", "appstore": "registry"}


@dataclass
class Board:
    client: FlaskClient
    tokens: dict[str, str]

    def call(self, who: str | None, method: str, path: str = BOARD, **kwargs: Any) -> TestResponse:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def start(self, who: str, **fields: Any) -> dict[str, Any]:
        response = self.call(who, "POST", json=initiative(**fields))
        assert response.status_code == 201, response.json
        return response.json  # type: ignore[no-any-return]


def open_board(app: Flask) -> Board:
    return Board(app.test_client(), {slug: add_organisation(app, slug, kind) for slug, kind in ORGANISATIONS.items()})


def initiative(**overrides: Any) -> dict[str, Any]:
    """The body of a new initiative: an app for the waste collection calendar."""
    return {"title": "Afvalkalender voor inwoners",
            "problem": "Inwoners willen weten wanneer welk afval wordt opgehaald, met een herinnering.",
            "phase": "looking-for-partners", "layers": ["interaction"], "categories": ["waste"],
            "uses": ["bag"], "expectedStart": "2027-03-01", "budgetMin": 20000, "budgetMax": 60000,
            "contact": "afval@utrecht.example", **overrides}
