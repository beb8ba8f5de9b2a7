"""Normalising a licence once: canonical SPDX text, and a kind that fails closed."""

from __future__ import annotations

import pytest

from sdk import licences
from sdk.licences import (
    COMMERCIAL,
    OPEN,
    Licence,
    LicenceError,
    is_open_source,
    licence_kind,
    names_proprietary,
    normalise_licence,
)
from sdk.manifest import Manifest
from tests import factories
from tests.threads import at_once, switching_often


@pytest.mark.parametrize(("written", "expected"), [
    ("EUPL-1.2", Licence("EUPL-1.2", OPEN)),
    ("  eupl-1.2\t", Licence("EUPL-1.2", OPEN)),
    ("mit or apache-2.0", Licence("MIT OR Apache-2.0", OPEN)),
    ("(MIT)", Licence("MIT", OPEN)),
    ("LicenseRef-Proprietary ", Licence("LicenseRef-Proprietary", COMMERCIAL)),
    ("licenseref-proprietary", Licence("LicenseRef-Proprietary", COMMERCIAL)),
])
def test_a_licence_is_stored_in_one_spelling(written: str, expected: Licence) -> None:
    assert normalise_licence(written) == expected


@pytest.mark.parametrize("written", ["MIT OR LicenseRef-Proprietary", "licenseref-proprietary AND MIT",
                                     "(EUPL-1.2 OR LICENSEREF-PROPRIETARY) AND MIT"])
def test_proprietary_anywhere_makes_a_release_commercial(written: str) -> None:
    licence = normalise_licence(written)
    assert licence.commercial and "LicenseRef-Proprietary" in licence.expression


@pytest.mark.parametrize("written", ["CC-BY-NC-4.0", "LicenseRef-Custom", "BUSL-1.1 OR SSPL-1.0"])
def test_what_is_not_known_to_be_open_counts_as_commercial(written: str) -> None:
    assert normalise_licence(written).kind == COMMERCIAL


@pytest.mark.parametrize("written", ["", "   ", "MIT OR", "(MIT", "MIT WITH", "A" * 201])
def test_what_cannot_be_read_is_an_error(written: str) -> None:
    with pytest.raises(LicenceError):
        normalise_licence(written)


@pytest.mark.parametrize("manifest", [None, {}, {"license": 12}, {"license": "MIT OR"}])
def test_a_stored_manifest_without_a_readable_licence_counts_as_commercial(manifest: object) -> None:
    assert licence_kind(manifest).kind == COMMERCIAL  # type: ignore[arg-type]


@pytest.mark.parametrize(("written", "named"), [
    ("LicenseRef-Proprietary ", True), ("MIT OR licenseref-proprietary", True),
    ("EUPL-1.2", False), ("MIT OR", False), (None, False),
])
def test_every_reader_of_a_manifest_sees_proprietary_the_same_way(written: object, named: bool) -> None:
    assert names_proprietary(written) is named
    if isinstance(written, str):
        assert Manifest.from_mapping(factories.manifest(license=written)).is_proprietary is named


def test_a_licence_read_again_gives_the_same_answer_and_a_bad_one_the_same_error() -> None:
    assert normalise_licence(" eupl-1.2 ") == normalise_licence("EUPL-1.2") == Licence("EUPL-1.2", OPEN)
    for _ in range(2):  # errors are not kept: each reading says why
        with pytest.raises(LicenceError):
            normalise_licence("MIT OR")
    assert is_open_source("MIT") and is_open_source("MIT")


EXPRESSIONS = ["EUPL-1.2", "mit or apache-2.0", "GPL-2.0-only WITH Classpath-exception-2.0", "LicenseRef-Proprietary"]


def _as_in_a_new_worker() -> None:
    """Forget what this process parsed, then make the licences as a worker's first request does."""
    licences.spdx_licensing.cache_clear()
    licences._normalised.cache_clear()  # a new worker has parsed nothing
    licences.spdx_licensing()


def test_a_new_worker_reads_licences_alike_from_many_threads() -> None:
    expected = [normalise_licence(text) for text in EXPRESSIONS]
    with switching_often():
        for _ in range(20):
            _as_in_a_new_worker()
            results = at_once(lambda: [normalise_licence(text) for text in EXPRESSIONS])
            assert all(result == expected for result in results), results
