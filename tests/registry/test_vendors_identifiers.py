"""OIN and KvK numbers: what the registry can check before a curator looks them up."""

from __future__ import annotations

import pytest

from registry.services.identifiers import InvalidIdentifier, check_kvk, check_oin, passes_eleven_test

# Real OINs from the public OIN register (COR).
AMSTERDAM = "00000001002564440000"
UTRECHT = "00000001002220647000"
LOGIUS = "00000001822477348000"
LOGIUS_SUBOIN = "00000004194049711000"


@pytest.mark.parametrize("oin", [AMSTERDAM, UTRECHT, LOGIUS, LOGIUS_SUBOIN, "00000003695990840000"])
def test_well_formed_oins_pass(oin: str) -> None:
    assert check_oin(f" {oin}\n") == oin


@pytest.mark.parametrize(("oin", "says"), [
    ("0000000100256444000", "20 digits"),                   # one digit short
    ("00000001OO2564440000", "20 digits"),                  # letters O for zeros
    ("٠٠٠٠٠٠٠١٠٠٢٥٦٤٤٤٠٠٠٠", "20 digits"),                  # Arabic-Indic digits
    ("00000099002564440000", "test OIN"),
    ("00000005002564440000", "not assigned"),
    ("12345678002564440000", "not assigned"),
    ("00000001002564440001", "ends in 000"),
    ("00000003695990841000", "ends in 0000"),
    ("00000004000000000000", "no number"),
    ("00000001002564441000", "eleven-test"),                # Amsterdam's RSIN, one digit off
])
def test_malformed_oins_say_what_is_wrong(oin: str, says: str) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        check_oin(oin)
    assert says in caught.value.detail


def test_kvk_numbers_are_eight_digits() -> None:
    assert check_kvk(" 69599084 ") == "69599084"
    for bad in ("6959908", "695990841", "00000000", "6959908a", "69 59 90 84"):
        with pytest.raises(InvalidIdentifier, match="8 digits"):
            check_kvk(bad)


def test_eleven_test() -> None:
    assert passes_eleven_test("002564440")
    assert not passes_eleven_test("002564441")
    assert not passes_eleven_test("12345678")
