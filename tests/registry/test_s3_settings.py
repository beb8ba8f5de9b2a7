"""The S3 client's timeouts and tries come from APPSTORE_S3_* settings, reach botocore,
and a value it cannot use stops the start with a message that names it."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from click.testing import CliRunner
from flask import Flask

from registry.app import create_app
from registry.cli import main
from registry.db import database
from registry.errors import ConfigurationError
from registry.extensions import STORE
from registry.s3_store import S3Store
from tests.registry.stores import unwrapped
from tests.registry.test_s3_full import FullStore, full_store  # noqa: F401  (a store that refuses every write)

AWS = {"AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9", "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
       "AWS_DEFAULT_REGION": "us-east-1"}


def registry_on_s3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **settings: str) -> Flask:
    monkeypatch.setenv("APPSTORE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("APPSTORE_STORAGE_URL", "s3://artifacts/blobs")
    for name, value in settings.items():
        monkeypatch.setenv(f"APPSTORE_{name}", value)
    app = create_app({"TESTING": True, "LOAD_INSTALLED_PLUGINS": False})
    database(app).dispose()
    return app


def client_of(app: Flask) -> S3Store:
    store = unwrapped(app.extensions[STORE])
    assert isinstance(store, S3Store)
    return store


def test_the_settings_reach_botocores_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in AWS.items():
        monkeypatch.setenv(name, value)
    app = registry_on_s3(tmp_path, monkeypatch, S3_CONNECT_TIMEOUT="0.5", S3_READ_TIMEOUT="45",
                         S3_MAX_ATTEMPTS="5")
    config = client_of(app).client.meta.config
    assert (config.connect_timeout, config.read_timeout) == (0.5, 45.0)
    assert config.retries == {"total_max_attempts": 5, "mode": "standard"}  # the first try included


def test_without_settings_the_client_keeps_its_short_defaults(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in AWS.items():
        monkeypatch.setenv(name, value)
    config = client_of(registry_on_s3(tmp_path, monkeypatch, S3_READ_TIMEOUT="")).client.meta.config
    assert (config.connect_timeout, config.read_timeout) == (2.0, 20.0)
    assert config.retries == {"total_max_attempts": 3, "mode": "standard"}


@pytest.mark.parametrize("full_store", [("InternalError", 500)], indirect=True)
def test_max_attempts_is_how_often_a_call_is_tried(full_store: FullStore, tmp_path: Path,  # noqa: F811
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    store = client_of(registry_on_s3(tmp_path, monkeypatch, S3_MAX_ATTEMPTS="1"))
    with pytest.raises(ClientError, match="InternalError"):
        store.write(io.BytesIO(b"a small package"))
    assert sum(asked.startswith("PUT") for asked in full_store.asked) == 1  # a 500 is retried by default


@pytest.mark.parametrize(("name", "value", "says"), [
    ("S3_CONNECT_TIMEOUT", "2s", "APPSTORE_S3_CONNECT_TIMEOUT='2s' is not a valid number"),
    ("S3_CONNECT_TIMEOUT", "0", "APPSTORE_S3_CONNECT_TIMEOUT=0.0: give a number of seconds to wait for a "
                                "connection to the object store, 0.1 to 60 (default 2.0)"),
    ("S3_READ_TIMEOUT", "nan", "APPSTORE_S3_READ_TIMEOUT=nan: give a number of seconds"),
    ("S3_READ_TIMEOUT", "3600", "APPSTORE_S3_READ_TIMEOUT=3600.0: give a number of seconds to wait for the "
                                "object store's next bytes, 1 to 600"),
    ("S3_MAX_ATTEMPTS", "2.5", "APPSTORE_S3_MAX_ATTEMPTS='2.5' is not a valid whole number"),
    ("S3_MAX_ATTEMPTS", "0", "APPSTORE_S3_MAX_ATTEMPTS=0: give a whole number of tries"),
    ("S3_MAX_ATTEMPTS", "100", "1 to 10 (default 3)"),
])
def test_a_value_it_cannot_use_stops_the_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str,
                                                value: str, says: str) -> None:
    with pytest.raises(ConfigurationError, match=re.escape(says)):
        registry_on_s3(tmp_path, monkeypatch, **{name: value})


def test_the_admin_command_says_which_setting_is_wrong(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["org", "list"], env={"APPSTORE_DATA_DIR": str(tmp_path / "data"),
                                                           "APPSTORE_S3_MAX_ATTEMPTS": "0"})
    assert result.exit_code == 2
    assert "error: APPSTORE_S3_MAX_ATTEMPTS=0: give a whole number" in result.output
    assert "Traceback" not in result.output
