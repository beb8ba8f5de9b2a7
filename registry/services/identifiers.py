"""Identifiers that curators check before they verify an organisation.

OIN (Organisatie-identificatienummer, Logius OIN-stelsel): 20 digits made of
an 8-digit prefix that names the source register, a main number, and a suffix
of zeros. What is checked here, as far as the OIN-stelsel defines it:

- exactly 20 ASCII digits;
- a prefix that the OIN-stelsel assigns (00000001-00000011 except the
  unassigned 00000005); test OINs (00000099) are refused;
- a main number of 8 digits followed by ``0000`` for the KvK prefix
  (00000003), otherwise 9 digits followed by ``000``; never all zeros;
- for the RSIN prefix (00000001), the RSIN's eleven-test (weights 9..2, -1),
  which every RSIN passes. Other registers publish no check digit.

KvK number (Handelsregister): exactly 8 ASCII digits, not all zeros. The KvK
publishes no check digit, so nothing more can be checked offline; the curator
looks the number up in the Handelsregister.
"""

from __future__ import annotations

import re

from registry.errors import RegistryError

OIN = "oin"
KVK = "kvk"
IDENTIFIER_TYPES = (OIN, KVK)

#: Which identifier proves which kind of organisation: government bodies have
#: an OIN, companies a KvK number; cooperations of municipalities may have either.
ACCEPTED_BY_KIND: dict[str, tuple[str, ...]] = {
    "municipality": (OIN,),
    "registry": (OIN,),
    "cooperation": (OIN, KVK),
    "vendor": (KVK,),
}

OIN_PREFIXES = {
    "00000001": "RSIN",
    "00000002": "Fi-nummer",
    "00000003": "KvK-nummer",
    "00000004": "SubOIN",
    "00000006": "Logius OIN-hoofdnummer",
    "00000007": "BRIN",
    "00000008": "buitenlands nummer",
    "00000009": "Dezi (zorgaanbieders)",
    "00000010": "TRR-BD",
    "00000011": "Dezi (zorgverzekeraars)",
}
OIN_TEST_PREFIX = "00000099"
RSIN_PREFIX = "00000001"
KVK_PREFIX = "00000003"

# [0-9], not \d or str.isdigit(): those accept digits of other scripts.
_OIN = re.compile(r"[0-9]{20}")
_KVK = re.compile(r"[0-9]{8}")


class InvalidIdentifier(RegistryError):
    """An OIN or KvK number that cannot be right."""


def check_oin(value: str) -> str:
    """The OIN, stripped of surrounding blanks; raises ``InvalidIdentifier`` saying what is wrong."""
    oin = value.strip()
    if not _OIN.fullmatch(oin):
        raise InvalidIdentifier(f"An OIN is 20 digits, e.g. 00000001002564440000; `{_shown(oin)}` is not.")
    prefix, rest = oin[:8], oin[8:]
    if prefix == OIN_TEST_PREFIX:
        raise InvalidIdentifier("That is a test OIN (prefix 00000099); give the organisation's own OIN.")
    if prefix not in OIN_PREFIXES:
        raise InvalidIdentifier(
            f"The OIN prefix {prefix} is not assigned in the OIN-stelsel; known prefixes are "
            f"{', '.join(OIN_PREFIXES)}. Check the number in the OIN register (COR)."
        )
    width, suffix = (8, "0000") if prefix == KVK_PREFIX else (9, "000")
    main = rest[:width]
    if not rest.endswith(suffix) or len(rest) != width + len(suffix):
        raise InvalidIdentifier(
            f"An OIN with prefix {prefix} ends in {suffix} after a {width}-digit number; `{oin}` does not."
        )
    if set(main) == {"0"}:
        raise InvalidIdentifier(f"The OIN `{oin}` has no number after its prefix.")
    if prefix == RSIN_PREFIX and not passes_eleven_test(main):
        raise InvalidIdentifier(
            f"The RSIN {main} in OIN `{oin}` fails the eleven-test; check for a mistyped digit."
        )
    return oin


def check_kvk(value: str) -> str:
    """The KvK number, stripped of surrounding blanks; raises ``InvalidIdentifier``."""
    kvk = value.strip()
    if not _KVK.fullmatch(kvk) or set(kvk) == {"0"}:
        raise InvalidIdentifier(f"A KvK number is 8 digits, e.g. 69599084; `{_shown(kvk)}` is not.")
    return kvk


def check_identifier(kind: str, value: str) -> str:
    """The identifier of ``kind`` (``oin`` or ``kvk``, as the API's fields are named), checked."""
    try:
        return check_oin(value) if kind == OIN else check_kvk(value)
    except InvalidIdentifier as problem:
        problem.param = kind
        raise


def passes_eleven_test(number: str) -> bool:
    """The eleven-test of RSIN and BSN: weights 9 down to 2, and -1 for the last digit."""
    if len(number) != 9 or not number.isascii() or not number.isdigit():
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    total = sum(int(d) * w for d, w in zip(number, weights, strict=True))
    return total % 11 == 0


def _shown(value: str) -> str:
    # Echo what was sent, but never a page of it.
    return value if len(value) <= 40 else value[:40] + "…"
