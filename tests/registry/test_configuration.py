"""Settings from APPSTORE_* through Flask's prefixed loading, a clear error for a bad
value, and a secret key that every worker of a fresh data dir agrees on."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from registry.app import create_app
from registry.cli import main
from registry.db import database
from registry.errors import ConfigurationError
from registry.instance_secret import instance_secret


def build(tmp_path: Path) -> Flask:
    app = create_app({"TESTING": True, "LOAD_INSTALLED_PLUGINS": False})
    database(app).dispose()
    return app


def test_settings_come_from_the_prefixed_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APPSTORE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("APPSTORE_MAX_UPLOAD_BYTES", "1048576")
    monkeypatch.setenv("APPSTORE_ARCHIVE_MAX_RATIO", "20")
    monkeypatch.setenv("APPSTORE_TRUSTED_PROXIES", "1")
    monkeypatch.setenv("APPSTORE_PUBLIC_URL", "https://appstore.gemeente.example/")
    monkeypatch.setenv("APPSTORE_SECRET_KEY", "1234567890" * 4)  # digits, and still text
    monkeypatch.setenv("APPSTORE_SESSION_IDLE_MINUTES", "")  # set but empty: the default
    monkeypatch.setenv("APPSTORE_TOKEN", "appstore_for-the-sdk")  # the `appstore` command's, not the server's
    app = build(tmp_path)
    config = app.config
    assert config["DATA_DIR"] == str((tmp_path / "data").resolve())
    assert config["MAX_UPLOAD_BYTES"] == 1048576
    assert config["ARCHIVE_MAX_RATIO"] == 20.0 and isinstance(config["ARCHIVE_MAX_RATIO"], float)
    assert config["TRUSTED_PROXIES"] == 1
    assert config["PUBLIC_URL"] == "https://appstore.gemeente.example"
    assert config["SECRET_KEY"] == "1234567890" * 4
    assert config["SESSION_IDLE_MINUTES"] == 120
    assert "TOKEN" not in config


@pytest.mark.parametrize(("name", "value"), [("MAX_UPLOAD_BYTES", "20MB"), ("TRUSTED_PROXIES", "1.5"),
                                             ("ARCHIVE_MAX_RATIO", "fifty")])
def test_a_bad_value_names_its_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str,
                                        value: str) -> None:
    monkeypatch.setenv("APPSTORE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv(f"APPSTORE_{name}", value)
    with pytest.raises(ConfigurationError, match=f"APPSTORE_{name}='{value}' is not a valid"):
        build(tmp_path)


@pytest.mark.parametrize(("settings", "says"), [
    ({"DOWNLOAD_REDIRECT": "redirect"}, "APPSTORE_DOWNLOAD_REDIRECT='redirect': give stream"),
    ({"DOWNLOAD_REDIRECT": "presigned"}, "needs an S3 store: set APPSTORE_STORAGE_URL to s3://"),
    ({"DOWNLOAD_REDIRECT": "presigned", "STORAGE_URL": "s3://artifacts", "DOWNLOAD_URL_SECONDS": "86400"},
     "APPSTORE_DOWNLOAD_URL_SECONDS=86400: give how many seconds"),
    ({"DOWNLOAD_URL_SECONDS": "0"}, "APPSTORE_DOWNLOAD_URL_SECONDS=0"),
], ids=["unknown", "file-store", "long-lived", "zero"])
def test_presigned_downloads_need_an_s3_store_and_a_short_life(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               settings: dict[str, str], says: str) -> None:
    monkeypatch.setenv("APPSTORE_DATA_DIR", str(tmp_path / "data"))
    for name, value in settings.items():
        monkeypatch.setenv(f"APPSTORE_{name}", value)
    with pytest.raises(ConfigurationError, match=re.escape(says)):
        build(tmp_path)


def test_the_admin_command_turns_a_bad_setting_into_a_message(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["org", "list"], env={"APPSTORE_DATA_DIR": str(tmp_path / "data"),
                                                           "APPSTORE_TRUSTED_PROXIES": "many"})
    assert result.exit_code == 2  # settings it cannot start with
    assert "error: APPSTORE_TRUSTED_PROXIES='many' is not a valid whole number" in result.output
    assert "Traceback" not in result.output


def test_workers_starting_together_share_one_secret_key(tmp_path: Path) -> None:
    data_dir = tmp_path / "fresh"
    with ThreadPoolExecutor(max_workers=8) as workers:
        keys = set(workers.map(lambda _: instance_secret(data_dir), range(32)))
    assert len(keys) == 1
    assert (data_dir / "secret_key").read_text() == keys.pop()
    assert [p.name for p in data_dir.iterdir()] == ["secret_key"]  # no drafts left behind


def test_an_unusable_secret_key_file_is_refused_with_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("\n")
    with pytest.raises(ConfigurationError, match="delete the file"):
        instance_secret(tmp_path)
