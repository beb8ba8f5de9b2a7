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

The skeleton is case-sensitive: a capital Cyrillic ``М`` looks like ``M``, but
its lower case ``м`` looks like no Latin letter. So a name has a second,
*cased* skeleton, taken before case is folded (skeleton, casefold, skeleton
again, so that ``m`` still meets ``rn``). Names match on either; ids, which
are lower-case ASCII, need only the first.

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
from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from registry.models import App, Organisation, table_of
from sdk.hookspecs import Lookalike
from sdk.text import is_hidden

#: Dashes that are not in category Pd (which is folded as a whole).
_DASH_LIKE = frozenset("\u2212\u2043\u2796\u02d7\ufe63\uff0d")
_BLANKS = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _checker() -> icu.SpoofChecker:
    return icu.SpoofChecker()


def _fold(text: str, *, caseless: bool = True) -> str:
    folded = unicodedata.normalize("NFKC", text)
    if caseless:
        folded = folded.casefold()
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


def cased_skeleton(text: str) -> str:
    """The skeleton taken before case is folded, which catches capitals that look alike."""
    once = unicodedata.normalize("NFKC", _checker().getSkeleton(0, _fold(text, caseless=False))).casefold()
    return unicodedata.normalize("NFKC", _checker().getSkeleton(0, once)).casefold()


#: Longer texts (a refused manifest's) are digested each time, so the caches stay small.
_CACHED_LENGTH = 256


def skeleton_digest(text: str) -> str:
    """What is stored and compared: the sha256 of the skeleton, in hex."""
    return _skeleton_digest(text) if len(text) <= _CACHED_LENGTH else _digest(skeleton(text))


def cased_skeleton_digest(text: str) -> str:
    return _cased_skeleton_digest(text) if len(text) <= _CACHED_LENGTH else _digest(cased_skeleton(text))


# A first publish takes the digests of its id and name three times (the look-alike check,
# the claim, the record): kept per process, keyed by the text alone (the folding and ICU's
# data do not change while it runs).
@lru_cache(maxsize=1024)
def _skeleton_digest(text: str) -> str:
    return _digest(skeleton(text))


@lru_cache(maxsize=1024)
def _cased_skeleton_digest(text: str) -> str:
    return _digest(cased_skeleton(text))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class LookalikeService:
    """Finds the apps of other organisations that look like a given id or name."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def of(self, app_id: str, name: str | None, organisation_id: int) -> tuple[Lookalike, ...]:
        id_skeleton = skeleton_digest(app_id)
        name_skeletons = (skeleton_digest(name), cased_skeleton_digest(name)) if name else None
        parameters = {"organisation": organisation_id, "id": id_skeleton}
        if name_skeletons:
            parameters |= {"name": name_skeletons[0], "cased": name_skeletons[1]}
        rows = self.session.execute(_LIKE_ID_OR_NAME if name_skeletons else _LIKE_ID, parameters).all()
        found = []
        for slug, other_name, other_id, other_name_skeleton, other_cased, owner in rows:
            if other_id == id_skeleton:
                found.append(Lookalike("id", slug, other_name, owner))
            if name_skeletons and (other_name_skeleton == name_skeletons[0] or other_cased == name_skeletons[1]):
                found.append(Lookalike("name", slug, other_name, owner))
        return tuple(found)


# Built once, every publish asks; of the tables' columns (a plain statement, without the ORM's work).
_APPS, _ORGANISATIONS = table_of(App), table_of(Organisation)
_OTHERS = (select(_APPS.c.slug, _APPS.c.name, _APPS.c.id_skeleton, _APPS.c.name_skeleton, _APPS.c.name_cased_skeleton,
                  _ORGANISATIONS.c.slug)
           .join(_ORGANISATIONS, _APPS.c.organisation_id == _ORGANISATIONS.c.id)
           .where(_APPS.c.organisation_id != bindparam("organisation")).order_by(_APPS.c.slug))
_LIKE_ID = _OTHERS.where(_APPS.c.id_skeleton == bindparam("id"))
_LIKE_ID_OR_NAME = _OTHERS.where(or_(_APPS.c.id_skeleton == bindparam("id"), _APPS.c.name_skeleton == bindparam("name"),
                                     _APPS.c.name_cased_skeleton == bindparam("cased")))


def remember(app: App) -> None:
    """Store the skeletons of an app's id and current name."""
    app.id_skeleton = skeleton_digest(app.slug)
    app.name_skeleton = skeleton_digest(app.name or "")
    app.name_cased_skeleton = cased_skeleton_digest(app.name or "")
