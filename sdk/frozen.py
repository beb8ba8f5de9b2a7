"""Read-only copies of parsed documents, for the arguments of verification hooks.

A plugin receives the manifest it checks; if it changed it, the next plugin,
the stored release and what the registry serves would see the change. So the
package view holds a deep copy in which every mapping and list refuses to be
changed. They stay ``dict`` and ``list`` subclasses, so the ``isinstance``
checks that every plugin writes keep working, and JSON encoding sees plain
containers.
"""

from __future__ import annotations

import copy
from typing import Any, NoReturn


def _refuse(self: object, *args: Any, **kwargs: Any) -> NoReturn:
    raise TypeError(f"{type(self).__name__} is read-only: verification plugins must not change their arguments")


class FrozenDict(dict):  # type: ignore[type-arg]
    """A mapping whose contents cannot be changed."""

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = __ior__ = _refuse

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted(self.items(), key=repr)))

    def __copy__(self) -> dict[Any, Any]:
        return dict(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[Any, Any]:
        return {copy.deepcopy(k, memo): copy.deepcopy(v, memo) for k, v in self.items()}

    def __reduce__(self) -> tuple[Any, ...]:  # pickling and copying give a plain dict
        return (dict, (dict(self),))


class FrozenList(list):  # type: ignore[type-arg]
    """A list whose contents cannot be changed."""

    __setitem__ = __delitem__ = append = extend = insert = pop = remove = reverse = sort = clear = _refuse
    __iadd__ = __imul__ = _refuse

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(self))

    def __copy__(self) -> list[Any]:
        return list(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> list[Any]:
        return [copy.deepcopy(item, memo) for item in self]

    def __reduce__(self) -> tuple[Any, ...]:
        return (list, (list(self),))


def freeze(value: Any) -> Any:
    """A deep, read-only copy of parsed YAML or JSON (mappings, lists and scalars)."""
    if isinstance(value, FrozenDict | FrozenList):
        return value
    if isinstance(value, dict):
        return FrozenDict({key: freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return FrozenList(freeze(item) for item in value)
    return value


def thaw(value: Any) -> Any:
    """A plain, changeable deep copy (to store or to edit)."""
    return copy.deepcopy(value)
