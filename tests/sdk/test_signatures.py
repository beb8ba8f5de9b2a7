"""Publishers' keys and signatures as the CLI and the registry both read them."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sdk.messages import render
from sdk.signatures import (
    POSSESSION_PURPOSE,
    BadKey,
    decode_signature,
    fingerprint,
    load_private_key,
    possession_statement,
    prove_possession,
    proves_possession,
    public_key_of,
    public_pem,
    sign,
    verifies,
    write_key_pair,
)

SHA = hashlib.sha256(b"package").hexdigest()


def test_a_key_reads_the_same_from_pem_and_raw_base64() -> None:
    key = Ed25519PrivateKey.generate()
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert public_key_of(public_pem(key)) == raw
    assert public_key_of(base64.b64encode(raw).decode() + "\n") == raw
    assert fingerprint(raw) == hashlib.sha256(raw).hexdigest()


@pytest.mark.parametrize("text", ["", "x" * 2000, base64.b64encode(b"short").decode(), "not base64 at all!",
                                  "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"])
def test_what_is_not_an_ed25519_public_key_says_what_to_give(text: str) -> None:
    with pytest.raises(BadKey) as caught:
        public_key_of(text)
    assert "Ed25519" in str(caught.value) or "PEM" in str(caught.value)


def test_a_signature_holds_for_its_sha256_and_key_only() -> None:
    key, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    raw = public_key_of(public_pem(key))
    signature, print_ = sign(key, SHA)
    assert print_ == fingerprint(raw)
    decoded = decode_signature(signature)
    assert decoded is not None and verifies(raw, decoded, SHA)
    assert verifies(raw, decoded, SHA.upper())  # the hex is signed in lower case, however it was written
    assert not verifies(raw, decoded, hashlib.sha256(b"other").hexdigest())
    assert not verifies(public_key_of(public_pem(other)), decoded, SHA)
    assert decode_signature("x" * 500) is None and decode_signature("abc") is None


def test_keygen_writes_a_private_file_once(tmp_path: Path) -> None:
    path = tmp_path / "release.pem"
    key = write_key_pair(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert public_pem(load_private_key(path)) == public_pem(key)
    with pytest.raises(BadKey, match="never overwritten"):
        write_key_pair(path)
    (tmp_path / "public.pem").write_text(public_pem(key))
    with pytest.raises(BadKey, match="not an unencrypted Ed25519 private key"):
        load_private_key(tmp_path / "public.pem")


def test_a_proof_of_possession_names_its_organisation_and_is_no_release_signature() -> None:
    key = Ed25519PrivateKey.generate()
    raw = public_key_of(public_pem(key))
    proof = prove_possession(key, "dimpact")
    assert proves_possession(raw, proof, "dimpact")
    assert not proves_possession(raw, proof, "utrecht")  # it registers the key for dimpact only
    assert not proves_possession(public_key_of(public_pem(Ed25519PrivateKey.generate())), proof, "dimpact")
    assert not proves_possession(raw, "not base64!", "dimpact") and not proves_possession(raw, "x" * 500, "dimpact")
    release_signature, _ = sign(key, SHA)
    assert not proves_possession(raw, release_signature, "dimpact")  # a release signature proves nothing
    decoded = decode_signature(proof)
    assert decoded is not None
    statement = possession_statement("dimpact", fingerprint(raw))
    assert statement.startswith(POSSESSION_PURPOSE.encode()) and len(statement) != len(SHA)
    assert not verifies(raw, decoded, statement.decode())  # nor is a proof a release signature


def test_key_errors_are_worded_by_the_catalogues(tmp_path: Path) -> None:
    path = tmp_path / "release.pem"
    write_key_pair(path)
    with pytest.raises(BadKey) as caught:
        write_key_pair(path)
    assert caught.value.code == "key.file-exists"
    assert caught.value.message == render("key.file-exists", {"file": str(path)}, "en")
    assert "nooit overschreven" in (render(caught.value.code, caught.value.data, "nl") or "")


def test_keygen_and_its_errors_speak_the_readers_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from sdk.cli import main

    monkeypatch.setenv("APPSTORE_LANGUAGE", "nl")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    made = runner.invoke(main, ["keygen", "release.pem"])
    assert made.exit_code == 0 and "Privésleutel geschreven naar release.pem" in made.stderr
    again = runner.invoke(main, ["keygen", "release.pem"])
    assert again.exit_code == 1 and "release.pem bestaat al" in again.stderr
    proof = runner.invoke(main, ["key-proof", "missing.pem", "--organisation", "utrecht"])
    assert proof.exit_code == 1 and "Het sleutelbestand missing.pem is niet te lezen" in proof.stderr
    shown = runner.invoke(main, ["key-proof", "release.pem", "--organisation", "utrecht"])
    key = load_private_key(tmp_path / "release.pem")
    assert proves_possession(public_key_of(public_pem(key)), shown.stdout.strip(), "utrecht")
