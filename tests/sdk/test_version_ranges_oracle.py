"""Old (semantic_version.NpmSpec) and new (sdk.version_ranges) ranges agree: run once before
semantic_version left the dependencies."""

from __future__ import annotations

import semantic_version
import semver
from hypothesis import given, settings
from hypothesis import strategies as st

from sdk import version_ranges

numbers = st.sampled_from(["0", "1", "2", "3", "10", "x", "X", "*", "01"])
prereleases = st.sampled_from(["", "rc", "rc.1", "rc.2", "alpha.0", "0", "01", "a..b", "beta-2", "1"])
builds = st.sampled_from(["", "b", "b.01", "x..y", "1"])


@st.composite
def blocks(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(["", "v"])) + draw(st.sampled_from(["", "=", "<", "<=", ">", ">=", "^", "~"]))
    text += ".".join(draw(st.lists(numbers, min_size=1, max_size=3)))
    if draw(st.booleans()):
        text += "-" + draw(prereleases)
    if draw(st.integers(0, 3)) == 0:
        text += "+" + draw(builds)
    if draw(st.integers(0, 10)) == 0:
        text += "\n"
    return text


@st.composite
def groups(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 4)) == 0:
        return draw(blocks()) + " - " + draw(blocks())
    return draw(st.sampled_from([" ", "  "])).join(draw(st.lists(blocks(), min_size=0, max_size=3)))


ranges = st.one_of(
    st.lists(groups(), min_size=1, max_size=3).map(lambda g: " || ".join(g)),
    st.lists(groups(), min_size=1, max_size=3).map(lambda g: "||".join(g)),
    st.text(alphabet="v<>=^~*xX0123456789.-+| \n", max_size=20),
)


@st.composite
def versions(draw: st.DrawFn) -> str:
    text = ".".join(draw(st.sampled_from(["0", "1", "2", "3", "10"])) for _ in range(3))
    if draw(st.booleans()):
        text += "-" + draw(st.sampled_from(["rc", "rc.1", "rc.2", "alpha", "alpha.0", "0", "1", "beta-2"]))
    if draw(st.integers(0, 3)) == 0:
        text += "+" + draw(st.sampled_from(["b", "b.01", "1"]))
    return text


def old(text: str) -> semantic_version.NpmSpec | None:
    try:
        return semantic_version.NpmSpec(text)
    except ValueError:
        return None
    except Exception:  # the old parser crashed on some bad input: now simply invalid
        return None


def new(text: str) -> version_ranges.VersionRange | None:
    try:
        return version_ranges.parse(text)
    except version_ranges.InvalidRange:
        return None


@settings(max_examples=5000, deadline=None)
@given(ranges, st.lists(versions(), min_size=1, max_size=8))
def test_old_and_new_ranges_agree(text: str, candidates: list[str]) -> None:
    text = text.strip()
    if not text:
        return
    before, after = old(text), new(text)
    assert (before is None) == (after is None), text
    if before is None or after is None:
        return
    for candidate in candidates:
        expected = before.match(semantic_version.Version(candidate))
        assert after.admits(semver.Version.parse(candidate)) == expected, (text, candidate)
