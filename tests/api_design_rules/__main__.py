"""`make lint-api`: lint the OpenAPI document that a fresh registry serves and
print the result; exit status 1 when the linter reports errors."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from registry.db import database
from tests.api_design_rules.linting import LinterMissing, errors, lint, summary
from tests.conftest import make_app


def served_document() -> dict[str, Any]:
    """GET /api/v1/openapi.json from a registry on an empty SQLite database."""
    with tempfile.TemporaryDirectory(prefix="api-design-rules-") as folder:
        app = make_app(Path(folder) / "data", f"sqlite:///{Path(folder) / 'registry.db'}")
        try:
            answer = app.test_client().get("/api/v1/openapi.json")
            assert answer.status_code == 200, f"/api/v1/openapi.json answered {answer.status_code}"
            return answer.get_json()  # type: ignore[no-any-return]
        finally:
            database(app).dispose()


def main() -> int:
    try:
        violations = lint(served_document())
    except LinterMissing as missing:
        print(missing, file=sys.stderr)
        return 2
    print(summary(violations))
    return 1 if errors(violations) else 0


if __name__ == "__main__":
    sys.exit(main())
