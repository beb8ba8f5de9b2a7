"""Look-alike app ids and names: what a reader cannot tell apart is one identity.

An organisation could otherwise publish `оpen-zaak` (a Cyrillic о), `Open‐Zaak`
(U+2010 for the hyphen) or `Open\u200bZaak` (a zero-width space) next to
another organisation's Open Zaak. Each id and name is reduced to its
*skeleton*: the confusables skeleton of Unicode Technical Standard #39, as ICU
computes it, after the folding that the standard leaves to the caller:

1. NFKC (full-width and compatibility forms become plain letters), casefold;
2. drop invisible characters (format, default-ignorable, controls), which ICU
   keeps;
3. fold every dash and minus sign to ``-`` and runs of blanks to one space;
4. the UTS #39 skeleton (``0`` becomes ``O``, ``m`` becomes ``rn``, Cyrillic
   ``а`` becomes Latin ``a``), then casefold again.

Two apps with the same skeleton of their id, or of their name, look alike.
The skeletons are stored with each app as sha256 digests (bounded, indexed:
NFKC alone can make a text eighteen times longer); a publish whose id or name
has the skeleton of another organisation's app is refused.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

import icu
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from registry.models import App, Organisation
from sdk.hookspecs import Lookalike
from sdk.text import is_hidden

#: Dashes that are not in category Pd (which is folded as a whole).
_DASH_LIKE = frozenset("\u2212\u2043\u2796\u02d7\ufe63\uff0d")
_BLANKS = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _checker() -> icu.SpoofChecker:
    return icu.SpoofChecker()


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    chars = []
    for char in folded:
        if is_hidden(char) and not char.isspace():
            continue
        chars.append("-" if char in _DASH_LIKE or unicodedata.category(char) == "Pd" else char)
    return _BLANKS.sub(" ", "".join(chars)).strip()


def skeleton(text: str) -> str:
    """The form of ``text`` that every look-alike of it shares."""
    confusable = _checker().getSkeleton(0, _fold(text))
    return unicodedata.normalize("NFKC", confusable).casefold()


def skeleton_digest(text: str) -> str:
    """What is stored and compared: the sha256 of the skeleton, in hex."""
    return hashlib.sha256(skeleton(text).encode("utf-8", "surrogatepass")).hexdigest()


class LookalikeService:
    """Finds the apps of other organisations that look like a given id or name."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def of(self, app_id: str, name: str | None, organisation_id: int) -> tuple[Lookalike, ...]:
        id_skeleton = skeleton_digest(app_id)
        name_skeleton = skeleton_digest(name) if name else None
        same = [App.id_skeleton == id_skeleton]
        if name_skeleton:
            same.append(App.name_skeleton == name_skeleton)
        rows = self.session.execute(
            select(App.slug, App.name, App.id_skeleton, App.name_skeleton, Organisation.slug)
            .join(Organisation, App.organisation_id == Organisation.id)
            .where(App.organisation_id != organisation_id, or_(*same)).order_by(App.slug)
        ).all()
        found = []
        for slug, other_name, other_id_skeleton, other_name_skeleton, owner in rows:
            if other_id_skeleton == id_skeleton:
                found.append(Lookalike("id", slug, other_name, owner))
            if name_skeleton and other_name_skeleton == name_skeleton:
                found.append(Lookalike("name", slug, other_name, owner))
        return tuple(found)


def remember(app: App) -> None:
    """Store the skeletons of an app's id and current name."""
    app.id_skeleton = skeleton_digest(app.slug)
    app.name_skeleton = skeleton_digest(app.name or "")
