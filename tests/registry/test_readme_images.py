"""The images a README shows, found by the threads of one worker at once."""

from __future__ import annotations

from types import ModuleType

from registry.services import release_assets
from tests.threads import at_once, fresh_copy, switching_often

README = """# Zaken

![Het overzicht](docs/overzicht.png) en *meer*: ![de kaart](./docs/kaart.jpg "Kaart").

- ![een lijst](lijst.png)
"""


def _found_at_once(module: ModuleType) -> list[object]:
    return at_once(lambda: module.image_references(None, README))


def test_a_new_worker_finds_readme_images_alike_from_many_threads() -> None:
    expected = release_assets.image_references(None, README)
    assert expected == ["docs/overzicht.png", "docs/kaart.jpg", "lijst.png"]
    with switching_often():
        for _ in range(250):
            # Loaded anew, its parser has compiled none of its rules yet.
            results = _found_at_once(fresh_copy(release_assets))
            assert all(result == expected for result in results), results
