"""Versions and version ranges: the Helm / npm constraint syntax on top of SemVer 2.0 ordering.

The expected answers in the tables are the ones the registry gave before ranges were
parsed in sdk.version_ranges (by semantic_version's NpmSpec), so a manifest's range
keeps its meaning.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sdk.version_ranges import MAX_LENGTH
from sdk.versions import MAX_VERSION_LENGTH, is_range, is_version, parse_range, satisfies, sort_key

ADMITS = [
    (">=1.4.0 <2.0.0", {"1.4.0": True, "1.9.9": True, "2.0.0": False, "1.3.9": False}),
    ("^1.2", {"1.2.0": True, "1.9.0": True, "2.0.0": False, "1.1.9": False}),
    ("^0.2.3", {"0.2.3": True, "0.2.9": True, "0.3.0": False}),
    ("^0.0.3", {"0.0.3": True, "0.0.4": False}),
    ("~1.2.3", {"1.2.3": True, "1.2.9": True, "1.3.0": False}),
    ("~1", {"1.0.0": True, "1.9.9": True, "2.0.0": False}),
    ("1.x", {"1.0.0": True, "1.9.9": True, "2.0.0": False, "0.9.0": False}),
    ("1.2.x", {"1.2.0": True, "1.3.0": False}),
    ("*", {"0.0.0": True, "9.9.9": True}),
    ("1.2.3 - 2.3.4", {"1.2.3": True, "2.3.4": True, "2.3.5": False, "1.2.2": False}),
    ("1.2 - 2", {"1.2.0": True, "2.9.9": True, "3.0.0": False}),
    ("<1.0.0 || >=2.0.0", {"0.9.0": True, "1.5.0": False, "2.0.0": True}),
    ("||", {"1.0.0": True}),  # an empty alternative is any version
    (">1.2", {"1.2.9": False, "1.3.0": True}),
    ("<=1.2", {"1.2.9": True, "1.3.0": False}),
    (">=1.29", {"1.29.0": True, "1.30.0": True, "1.28.0": False}),
    ("v1.2.3", {"1.2.3": True, "1.2.4": False}),
    # Build metadata counts only when the range names some.
    ("1.2.3", {"1.2.3": True, "1.2.3+anything": True}),
    ("1.2.3+build.7", {"1.2.3+build.7": True, "1.2.3": False, "1.2.3+build.8": False}),
]

PRERELEASES = [
    # A pre-release is admitted only when a comparator names one of the same major.minor.patch.
    (">=1.4.0 <2.0.0", {"1.5.0-rc.1": False, "2.0.0-rc.1": False}),
    ("*", {"1.0.0-rc.1": False}),
    (">=1.2.3-rc.1 <2.0.0", {"1.2.3-rc.1": True, "1.2.3-rc.2": True, "1.2.3-alpha": False,
                             "1.2.4-rc.1": False, "1.2.3": True, "1.9.0": True}),
    ("1.2.3-rc.1", {"1.2.3-rc.1": True, "1.2.3-rc.2": False, "1.2.3": True}),
    ("~1.2.0-rc.1", {"1.2.0-rc.1": True, "1.2.0-rc.2": True, "1.2.0": True, "1.2.1": False}),
]

NOT_RANGES = ["", "   ", "^*", "<x", "01.2.3", ">= 1.2.3", "1.2.3  <2", "a - b", "1 - 2 - 3", "1.2.3-01",
              "1.2.3-a..b", "=v1.2.3", "1.x-rc", "x+build", "1.2.3\t<2", "1" * 5000 + ".0.0", "１.2.3"]


@pytest.mark.parametrize(("constraint", "answers"), ADMITS + PRERELEASES)
def test_ranges_admit_what_they_always_admitted(constraint: str, answers: dict[str, bool]) -> None:
    assert is_range(constraint)
    assert {v: satisfies(v, constraint) for v in answers} == answers


@pytest.mark.parametrize("text", NOT_RANGES)
def test_text_that_is_no_range_is_refused(text: str) -> None:
    assert not is_range(text)
    assert not satisfies("1.2.3", text)


def test_invalid_versions_satisfy_nothing() -> None:
    assert not satisfies("1.2", ">=1.0.0")
    assert not satisfies("01.2.3", "*")


def test_versions_have_a_length_limit() -> None:
    longest = "1.0.0-" + "a" * (MAX_VERSION_LENGTH - 6)
    assert is_version(longest)
    assert not is_version(longest + "a")


def test_versions_order_by_semver_precedence() -> None:
    ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
               "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.10.0", "2.0.0"]
    assert sorted(reversed(ordered), key=sort_key) == ordered


def test_ranges_have_a_length_limit() -> None:
    longest = " ".join([">=1.0.0"] * 128)[:MAX_LENGTH]
    assert len(longest) == MAX_LENGTH - 1
    assert satisfies("1.2.3", longest)
    assert not is_range(longest + " >=1.0.0")
    assert not is_range(" ".join([">=1.0.0"] * 20_000))


blocks = st.builds(
    lambda op, parts: op + ".".join(parts),
    st.sampled_from(["", "=", "<", "<=", ">", ">=", "^", "~"]),
    st.lists(st.sampled_from(["0", "1", "2", "10", "x"]), min_size=1, max_size=3),
)
versions = st.builds(lambda m, n, p: f"{m}.{n}.{p}", *[st.integers(0, 11)] * 3)


@given(st.text(alphabet="v<>=^~*xX0123456789.-+| \n", max_size=40))
def test_any_text_is_a_range_or_refused(text: str) -> None:
    spec = parse_range(text)  # never raises
    assert spec is None or spec.text == text.strip()
    assert satisfies("1.2.3", text) in (True, False)


@given(st.lists(blocks, min_size=1, max_size=3), st.lists(blocks, min_size=1, max_size=3), versions)
def test_alternatives_admit_what_either_admits(left: list[str], right: list[str], version: str) -> None:
    a, b = " ".join(left), " ".join(right)
    if is_range(a) and is_range(b):
        assert satisfies(version, f"{a} || {b}") == (satisfies(version, a) or satisfies(version, b))


@given(st.lists(blocks, min_size=2, max_size=4), versions)
def test_comparators_of_one_alternative_must_all_admit(parts: list[str], version: str) -> None:
    if all(is_range(p) for p in parts):
        assert satisfies(version, " ".join(parts)) == all(satisfies(version, p) for p in parts)


@given(versions, versions)
def test_caret_and_tilde_are_bounds(target: str, version: str) -> None:
    major, minor, patch = (int(n) for n in target.split("."))
    caret_top = f"{major + 1}.0.0" if major else f"0.{minor + 1}.0" if minor else f"0.0.{patch + 1}"
    assert satisfies(version, f"^{target}") == satisfies(version, f">={target} <{caret_top}")
    assert satisfies(version, f"~{target}") == satisfies(version, f">={target} <{major}.{minor + 1}.0")
