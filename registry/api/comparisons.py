"""Comparing 2 to 4 apps side by side, as the web store's comparison does.

Not under ``/apps/``: any word there could be the id of an app one day.
"""

from __future__ import annotations

from flask import Response

from registry.api import api
from registry.api.context import answer, query
from registry.api.models.comparison import Comparison, ComparisonQuery
from registry.api.spec import operation
from registry.db import request_session
from registry.services.comparison import ComparisonService


@api.get("/comparisons")
@operation("compareApps", tag="catalogue", summary="Compare 2 to 4 apps side by side.", query=ComparisonQuery,
           answers={200: ("The facts of every app, and which properties differ.", Comparison)},
           problems={400: "Fewer than 2 or more than 4 different ids (`code` compare.too-few or "
                          "compare.too-many), or `ids` missing or too long (`invalidParams`).",
                     404: "An id is no app (`code` compare.unknown); `detail` names it."})
def compare_apps() -> Response:
    asked = query(ComparisonQuery)
    return answer(Comparison.of(ComparisonService(request_session()).compare(asked.app_ids())))
