"""The images a README shows: found by the threads of one worker at once, and only where
its text has an image's `![`."""

from __future__ import annotations

from types import ModuleType

from hypothesis import given
from hypothesis import strategies as st

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


# Markdown's syntax characters, entities and escapes: what could spell an image otherwise.
markdownish = st.lists(st.sampled_from(list("![]()<>\\&#;x3\n :*_`-png./\"'") + ["&#33;", "&excl;", "\\!"]),
                       max_size=40).map("".join)


@given(markdownish)
def test_only_a_text_with_an_images_opening_holds_an_image(text: str) -> None:
    parsed = [child for token in release_assets._markdown().parse(text) for child in token.children or ()
              if child.type == "image"]
    if "![" not in text:
        assert parsed == []  # what lets a README without `![` skip the parse
    found = [str(image.attrGet("src")) for image in parsed]
    assert release_assets.image_references(None, text) == [
        path for path in dict.fromkeys(map(release_assets.package_path, found)) if path is not None]


def test_reference_images_and_escapes() -> None:
    text = "![a][logo] and \\![not](no.png) and &#33;[nor](nor.png)\n\n[logo]: img/logo.png\n"
    assert release_assets.image_references(None, text) == ["img/logo.png"]
    assert release_assets.image_references(None, "no images here: [a](b.png) !") == []
