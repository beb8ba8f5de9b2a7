"""The options of the web store's select fields, radio buttons and checkbox groups, in the
shape WTForms keeps taking: ``SelectChoice`` (its ``(value, label)`` tuples are deprecated
in 3.3 and go in 3.4). Views and forms make them here, from pairs, never by hand."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# types-WTForms still describes WTForms 3.2, which had no SelectChoice.
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]

from registry.models import Organisation


def options(pairs: Iterable[tuple[str, str]] | Mapping[str, str], *, empty: str | None = None) -> list[SelectChoice]:
    """An option per ``(value, label)`` pair (or per item of a mapping); with ``empty``, first
    an option of that label and the empty value, for "none" or "choose one"."""
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    first = [SelectChoice("", empty)] if empty is not None else []
    return first + [SelectChoice(value, label) for value, label in items]


def organisation_options(organisations: Iterable[Organisation]) -> list[SelectChoice]:
    """The organisations to act for, by slug, named as people know them."""
    return options((o.slug, o.name) for o in organisations)
