"""Properties of the placeholder renderer and of the validators that read package text.

Speed is measured in bench/hostile_input.py; here the linear scanner must mean
exactly what the placeholder syntax says, and no validator may be fooled by a
trailing line break (``$`` in a Python regex matches before one).
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from plugins.kubernetes_images import DIGEST
from plugins.kubernetes_services import _schemes
from plugins.manifest_schema import CONFIG_NAME
from plugins.publiccode.formats import _glob_matches, is_oembed_video, length
from plugins.publiccode.languages import is_language_tag
from sdk.manifest import is_slug
from sdk.render import NAME, placeholders, render_text

#: The placeholder syntax as one (backtracking) regex: the reference, fine on short text.
REFERENCE = re.compile(r"\$(\$?)\{([^}\n]*)\}")

#: Text made of the characters that matter to the syntax, and a few others.
syntax_text = st.text(alphabet="${}\n ab_-", max_size=60)
names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,11}", fullmatch=True)
plain = st.text(alphabet=st.characters(blacklist_characters="${}", blacklist_categories=("Cs",)), max_size=20)


@given(syntax_text)
def test_the_scanner_finds_exactly_what_the_syntax_defines(text: str) -> None:
    expected = [(m.start(), m.end(), bool(m.group(1)), m.group(2)) for m in REFERENCE.finditer(text)]
    assert list(placeholders(text)) == expected


@given(syntax_text, st.dictionaries(st.sampled_from(["a", "b", "a_b"]), st.one_of(st.none(), plain)))
def test_rendering_matches_the_reference_substitution_and_line_numbers(text: str, values: dict) -> None:
    problems = []

    def fill(match: re.Match[str]) -> str:
        if match.group(1):
            return match.group(0)[1:]
        name = match.group(2)
        if NAME.match(name) and values.get(name) is not None:
            return values[name]
        problems.append((name, text.count("\n", 0, match.start()) + 1))
        return match.group(0)

    rendered = render_text(text, values)
    assert rendered.text == REFERENCE.sub(fill, text)
    found = [(p.name, p.line) for p in (*rendered.undeclared, *rendered.unfilled, *rendered.invalid)]
    assert sorted(found) == sorted(problems)


@given(st.text(max_size=200).filter(lambda t: "${" not in t), st.dictionaries(names, plain))
def test_text_without_placeholders_renders_to_itself(text: str, values: dict) -> None:
    rendered = render_text(text, values)
    assert rendered.text == text and rendered.complete


@given(plain, names, plain)
def test_an_escaped_placeholder_becomes_a_literal_one(before: str, name: str, after: str) -> None:
    rendered = render_text(f"{before}$${{{name}}}{after}", {name: "value"})
    assert rendered.text == f"{before}${{{name}}}{after}" and rendered.complete


@given(st.lists(st.tuples(plain, names), min_size=1, max_size=8), plain, st.data())
def test_every_declared_value_lands_where_its_placeholder_was(parts: list, tail: str, data: st.DataObject) -> None:
    values = {name: data.draw(plain, label=name) for _, name in parts}
    text = "".join(f"{literal}${{{name}}}" for literal, name in parts) + tail
    expected = "".join(literal + values[name] for literal, name in parts) + tail
    rendered = render_text(text, values)
    assert rendered.text == expected and rendered.complete


@given(st.integers(min_value=1, max_value=300), st.sampled_from(["${", "$${", "${x", "${${}"]))
def test_adversarial_repetitions_render_without_error(count: int, unit: str) -> None:
    text = unit * count
    rendered = render_text(text, {"x": "1"})
    assert len(rendered.text) <= len(text) + count


# Validators: a trailing line break never passes, and each agrees with its definition.

@given(st.from_regex(r"[a-z][a-z0-9]{2,10}", fullmatch=True))
def test_identifiers_with_a_line_break_are_refused(value: str) -> None:
    assert is_slug(value)
    assert not is_slug(value + "\n")
    assert CONFIG_NAME.match(value) and not CONFIG_NAME.match(value + "\n")
    assert not NAME.match(value + "\n")
    assert not DIGEST.match("sha256:" + "a" * 64 + "\n")
    assert not is_language_tag("nl\n")


@given(st.lists(st.text(alphabet="ab/.", max_size=4), min_size=1, max_size=4), st.text(alphabet="ab/.", max_size=16))
def test_the_glob_matcher_agrees_with_the_glob_as_a_regex(parts: list, value: str) -> None:
    pattern = re.compile("".join(map(re.escape, parts[:1])) + "".join(".*" + re.escape(p) for p in parts[1:]),
                         re.DOTALL)
    assert _glob_matches(tuple(parts), value) == bool(pattern.fullmatch(value))


def test_video_links_are_recognised_and_never_span_lines() -> None:
    assert is_oembed_video("https://www.youtube.com/watch?v=abc")
    assert not is_oembed_video("https://www.youtube.com/watch?v=abc\n")
    assert not is_oembed_video("https://example.org/watch")


@given(st.sampled_from(["postgres", "postgresql", "redis", "rediss", "amqp", "s3"]),
       st.sampled_from(["", " ", "=", "url: ", "\n"]), st.sampled_from(["x", "_", ".", "9", "-"]))
def test_a_service_address_counts_only_where_its_scheme_stands_alone(scheme: str, before: str, glued: str) -> None:
    assert scheme in _schemes(f"{before}{scheme}://host/db")
    assert scheme not in _schemes(f"{before}{glued}{scheme}://host/db")


@given(st.text(max_size=50), st.integers(min_value=0, max_value=60))
def test_a_capped_length_is_exact_up_to_the_cap(text: str, cap: int) -> None:
    full, capped = length(text), length(text, cap)
    assert capped == full or (full > cap and capped == cap + 1)
