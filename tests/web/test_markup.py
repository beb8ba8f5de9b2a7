"""Package texts as safe HTML, rendered by the threads of one worker at once."""

from __future__ import annotations

from types import ModuleType

from tests.threads import at_once, fresh_copy, switching_often
from web import markup

README = """# Zaken

Een *tekst* met `code`, een [link](https://example.org) en ![het logo](https://example.org/logo.png).

| Fase | Status |
|------|--------|
| 1    | klaar  |
"""


def _rendered_at_once(module: ModuleType) -> list[object]:
    return at_once(lambda: module.render_markdown(README))


def test_a_new_worker_renders_markdown_alike_from_many_threads() -> None:
    expected = markup.render_markdown(README)
    assert "<h2>Zaken</h2>" in expected and "<table>" in expected and "<em>tekst</em>" in expected
    with switching_often():
        for _ in range(250):
            # Loaded anew, its parser has compiled none of its rules yet.
            results = _rendered_at_once(fresh_copy(markup))
            assert all(result == expected for result in results), results
