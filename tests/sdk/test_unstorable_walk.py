"""``unstorable_in`` first looks without naming places: what it finds stays what is there."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from sdk.text import UNSTORABLE, unstorable_in

scalars = st.one_of(st.text(max_size=8), st.sampled_from(["a\x00b", "\ud800", "x\udfffy"]),
                    st.floats(), st.integers(), st.booleans(), st.none())
documents = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(st.text(max_size=4), st.sampled_from(["k\x00"])),
                                                 inner, max_size=4)), max_leaves=25)


def unstorable(value: Any) -> bool:
    return (isinstance(value, str) and UNSTORABLE.search(value) is not None) or (
        isinstance(value, float) and not math.isfinite(value))


def anything_unstorable(value: Any) -> bool:
    if isinstance(value, dict):
        return any(isinstance(k, str) and unstorable(k) or anything_unstorable(v) for k, v in value.items())
    if isinstance(value, list):
        return any(anything_unstorable(item) for item in value)
    return unstorable(value)


@given(documents)
def test_every_unstorable_value_is_found_and_named(document: Any) -> None:
    found = list(unstorable_in(document, "doc"))
    assert bool(found) == anything_unstorable(document)
    assert all(unstorable(value) and place.startswith("doc") for place, value in found)


def test_a_deep_value_is_named_by_its_path() -> None:
    document = {"spec": {"containers": [{"name": "ok"}, {"name": "bad\x00"}]}, "n": float("nan")}
    assert sorted(place for place, _ in unstorable_in(document)) == ["n", "spec.containers[1].name"]
