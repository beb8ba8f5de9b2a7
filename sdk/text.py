"""Text from outside that cannot be stored or shown as it is.

Two kinds of character are the concern here:

- NUL and unpaired surrogates (U+D800-U+DFFF). JSON and YAML escapes
  (``\\u0000``, ``"\\ud800"``) produce them; PostgreSQL refuses NUL in text and
  neither can be encoded as UTF-8, so a page that shows one fails.
- Characters a reader cannot see or that reorder what they see: format
  characters (category Cf: zero-width spaces and joiners, bidirectional
  controls), variation selectors, fillers and other default-ignorable code
  points. In a name they make a copy look like the original.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

#: Linear-time: one character class, no repetition.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

#: Default-ignorable code points (Unicode DerivedCoreProperties) that are not in category Cf.
_IGNORABLE_RANGES = (
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x115F, 0x1160),  # Hangul choseong and jungseong fillers
    (0x17B4, 0x17B5),  # Khmer inherent vowels
    (0x180B, 0x180F),  # Mongolian free variation selectors
    (0x3164, 0x3164),  # Hangul filler
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFFA0, 0xFFA0),  # halfwidth Hangul filler
    (0xE0000, 0xE0FFF),  # tags and variation selectors supplement
)
#: Categories nobody types into a name: controls, format, separators of lines and
#: paragraphs, private use, surrogates. (Not unassigned: a newer Python may know them.)
_HIDDEN_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Co", "Cs"}


def has_unstorable(text: object) -> bool:
    """Whether ``text`` is a string holding NUL or an unpaired surrogate."""
    return isinstance(text, str) and UNSTORABLE.search(text) is not None


def printable(text: str) -> str:
    """``text`` with NUL and unpaired surrogates replaced by U+FFFD, so it can be encoded."""
    return UNSTORABLE.sub("\ufffd", text) if has_unstorable(text) else text


def is_hidden(char: str) -> bool:
    """Whether ``char`` is invisible, a control, or changes the reading direction."""
    if char < "\x80":  # most text is ASCII: a table made by the rule below
        return char in _HIDDEN_ASCII
    return _hidden_by_rule(char)


def _hidden_by_rule(char: str) -> bool:
    point = ord(char)
    if any(low <= point <= high for low, high in _IGNORABLE_RANGES):
        return True
    return unicodedata.category(char) in _HIDDEN_CATEGORIES


_HIDDEN_ASCII = frozenset(char for char in map(chr, range(0x80)) if _hidden_by_rule(char))


def hidden_characters(text: str) -> list[str]:
    """The distinct hidden characters of ``text``, each as ``U+202E RIGHT-TO-LEFT OVERRIDE``."""
    found = dict.fromkeys(ch for ch in text if is_hidden(ch))
    return [describe(ch) for ch in found]


def describe(char: str) -> str:
    """A character as a reader can see it named: ``U+200B ZERO WIDTH SPACE``."""
    name = unicodedata.name(char, "") if not 0xD800 <= ord(char) <= 0xDFFF else "UNPAIRED SURROGATE"
    return f"U+{ord(char):04X} {name}".rstrip()


def shown(text: object, limit: int = 60) -> str:
    """``text`` safe to put in a message: escapes for what cannot be encoded, never a page of it."""
    text = str(text)
    cut = text if len(text) <= limit else text[:limit] + "…"
    return cut.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")


def unstorable_in(value: Any, key: str = "") -> Iterator[tuple[str, str | float]]:
    """``(key, value)`` of every value in a parsed document that cannot be stored:
    strings with NUL or a surrogate, and numbers that are not finite (YAML's
    ``.inf`` and ``.nan``, JSON's ``Infinity``), which JSON columns refuse.

    Walks iteratively (no recursion limit) and visits each container once, so
    YAML aliases that share one list many times cost nothing extra. A place is
    kept as its parent's place and one step, and worded only for what is found:
    nearly every document holds nothing.
    """
    seen: set[int] = set()
    stack: list[tuple[_Place, Any]] = [(None, value)]
    while stack:
        place, item = stack.pop()
        if isinstance(item, str):
            if has_unstorable(item):
                yield _worded(place, key), item
        elif isinstance(item, float):
            if not math.isfinite(item):
                yield _worded(place, key), item
        elif isinstance(item, dict):
            if id(item) in seen:
                continue
            seen.add(id(item))
            for name, child in item.items():
                if isinstance(name, str) and has_unstorable(name):
                    yield _worded(place, key), name
                stack.append(((place, name, False), child))
        elif isinstance(item, list):
            if id(item) in seen:
                continue
            seen.add(id(item))
            stack.extend(((place, index, True), child) for index, child in enumerate(item))


#: Where a value sits: None for the document, else (its parent's place, the key or index, whether an index).
_Place = tuple[Any, Any, bool] | None


def _worded(place: _Place, key: str) -> str:
    """``place`` as ``spec.containers[1].name``, under ``key``."""
    steps = []
    while place is not None:
        place, step, index = place
        steps.append((step, index))
    where = key
    for step, index in reversed(steps):
        if index:
            where = f"{where}[{step}]"
        else:
            label = shown(step, 100) if isinstance(step, str) else str(step)
            where = f"{where}.{label}" if where else label
    return where
